"""Shared model behaviour."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ConstraintErrorsOnFields:
    """Report database-constraint violations under the field a user must correct.

    Django files errors of multi-field constraints under ``__all__``; the API contract wants
    the field named. Models list ``constraint_error_fields = {constraint name: field}``.
    """

    constraint_error_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            fields = self.constraint_error_fields
            by_message = {
                str(constraint.violation_error_message): fields[constraint.name]
                for constraint in self._meta.constraints
                if constraint.name in fields
            }
            remapped: dict[str, list] = {}
            for field, messages in error.error_dict.items():
                for message in messages:
                    text = " ".join(message.messages)
                    target = by_message.get(text, field) if field == NON_FIELD_ERRORS else field
                    remapped.setdefault(target, []).append(message)
            raise ValidationError(remapped) from error
