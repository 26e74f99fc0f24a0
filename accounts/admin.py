"""Roles (groups) and users in the admin: a change needs a recent sign-in (cpc.reauth).

Django's own user and group admins, with the re-authentication rule added: a user's
groups, staff and superuser flags and permissions, and a group's permissions, are what
roles are made of. (Country scope and implementer links: compacts.admin.UserProfileAdmin.)
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cpc.reauth import ReauthAdminMixin

User = get_user_model()

for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(ReauthAdminMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(ReauthAdminMixin, auth_admin.GroupAdmin):
    pass
