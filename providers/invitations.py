"""Inviting a partner user: an account without a password, a membership, and an e-mail with a
link to set the password (Django's password-reset token flow)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from providers.models import Membership, Organisation

logger = logging.getLogger(__name__)

# The role an invited account gets. Only assigned here; permission checks never use the name.
PARTNER_GROUP_NAME = "Partner"

INVITATION_PERMISSIONS = ("auth.add_user", "providers.add_membership")

ACCOUNT_EXISTS = (
    "Er bestaat al een account met dit e-mailadres. Koppel dat account aan de organisatie via "
    "een lidmaatschap."
)


def can_invite(user) -> bool:
    return user.has_perms(INVITATION_PERMISSIONS)


class _InvitationEmailForm(PasswordResetForm):
    """Django's password-reset e-mail for one given user.

    PasswordResetForm skips accounts without a usable password, which every invited account
    is until its owner sets one; this form sends to the invited account only.
    """

    def __init__(self, user):
        super().__init__(data={"email": user.email})
        self.invited_user = user

    def get_users(self, email):
        return [self.invited_user]


def send_invitation(*, user, organisation: Organisation, request) -> bool:
    """E-mail `user` a link to set a password. Returns False if the mail could not be sent."""
    form = _InvitationEmailForm(user)
    form.is_valid()
    try:
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="admin/account/invitation_subject.txt",
            email_template_name="admin/account/invitation_email.txt",
            extra_email_context={"organisation": organisation},
        )
    except OSError:
        logger.exception("invitation mail failed user_id=%s", user.pk)
        return False
    return True


def invite_partner(
    *, email: str, organisation: Organisation, request, first_name: str = "", last_name: str = ""
):
    """Create an active staff account for `email` in the Partner role, member of
    `organisation`, without a usable password, and send the set-password link.

    Returns (user, mail_sent). Two invitations of the same address at the same moment are
    serialised by the unique username (the address): the later one is rolled back and raises
    a ValidationError with the form's Dutch message, and only one mail is sent.
    """
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=email,
                email=email,
                password=None,
                first_name=first_name,
                last_name=last_name,
                is_staff=True,
                is_active=True,
            )
            user.groups.add(Group.objects.get(name=PARTNER_GROUP_NAME))
            Membership.objects.create(user=user, organisation=organisation)
    except IntegrityError as error:
        raise ValidationError(ACCOUNT_EXISTS, code="account_exists") from error
    return user, send_invitation(user=user, organisation=organisation, request=request)
