"""Views of the project itself (not of one app)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from .storage import private_file_download_url


@login_required
def private_file(request, name: str):
    """A private file's URL: hands over to the download view of the record that owns it.
    A file of a record outside the user's countries is a 404, as an unknown one."""
    url = private_file_download_url(user=request.user, name=name)
    if url is None:
        raise Http404("No such file.")
    return redirect(url)
