"""Users of the administrator's subtree: list, create, edit (role, clearance, password)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nqtrack.core.forms import apply_errors
from nqtrack.core.query import page_query
from nqtrack.organizations import logins, services
from nqtrack.organizations.filters import UserListQuery
from nqtrack.organizations.forms import OrgChoice
from nqtrack.organizations.models import Role, SecurityLevel, User
from nqtrack.organizations.selectors import organizations_managed_by, users_visible_to


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    organization = OrgChoice(label=gettext_lazy("Organization"), queryset=User.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    clearance = forms.ChoiceField(
        label=gettext_lazy("Security clearance"), choices=SecurityLevel.choices
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Leave empty to keep the current password."),
    )

    def __init__(self, *args: Any, by: User, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_managed_by(by).filter(
            valid_to__isnull=True
        )
        allowed = SecurityLevel.values if by.is_superuser else SecurityLevel.up_to(by.clearance)
        self.fields["clearance"].choices = [c for c in SecurityLevel.choices if c[0] in allowed]
        if editing:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
            del self.fields["is_active"]


def _require_admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.can_administer:
        raise PermissionDenied
    return user


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    by = _require_admin(request)
    users = users_visible_to(by).order_by("organization__path", "username")
    params = page_query(request, UserListQuery).cleaned_data
    query = params["q"].strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    if params["role"]:
        users = users.filter(role=params["role"])
    page = Paginator(users, 50).get_page(params["page"])
    return render(
        request,
        "organizations/users.html",
        {"page_obj": page, "users": page.object_list, "query": query, "roles": Role.choices},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    by = _require_admin(request)
    form = UserForm(request.POST or None, by=by, editing=False)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(by=by, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user.username})
            return redirect("organizations:users")
    return render(request, "organizations/form.html", {"form": form, "title": _("New user")})


@login_required
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    by = _require_admin(request)
    user = users_visible_to(by).filter(username=username).first()
    if user is None:
        raise Http404
    initial = {
        k: getattr(user, k)
        for k in (
            "username",
            "full_name",
            "email",
            "organization",
            "role",
            "clearance",
            "is_active",
        )
    }
    form = UserForm(request.POST or None, by=by, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("username")
        try:
            services.user_update(by=by, user=user, **values)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("organizations:users")
    return render(
        request,
        "organizations/user_edit.html",
        {
            "form": form,
            "title": _("Edit user %(name)s") % {"name": user.username},
            "back": "organizations:users",
            "edited": user,
            "locked": logins.login_locked(user),
            "failures": logins.failed_logins(user),
        },
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, username: str) -> HttpResponse:
    by = _require_admin(request)
    user = users_visible_to(by).filter(username=username).first()
    if user is None:
        raise Http404
    logins.user_login_unlock(by=by, user=user)
    messages.success(request, _("%(name)s can log in again.") % {"name": user.username})
    return redirect("organizations:user-edit", username=user.username)
