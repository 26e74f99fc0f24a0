"""Views of the project itself (not of one app)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static

from .storage import private_file_download_url


@login_required
def private_file(request, name: str):
    """A private file's URL: hands over to the download view of the record that owns it.
    A file of a record outside the user's countries is a 404, as an unknown one."""
    url = private_file_download_url(user=request.user, name=name)
    if url is None:
        raise Http404("No such file.")
    return redirect(url)


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: USWDS's icon, as every page
    links it."""
    return HttpResponsePermanentRedirect(static("vendor/uswds/img/favicons/favicon.ico"))
