"""What every page's form shares with the services it calls."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message beside the field it
    names when the form has that field, the others at the top of the form. A page shows the
    rules the service enforced (the model's ``clean()``, its constraints) as it shows the
    form's own errors."""
    errors = error.message_dict if hasattr(error, "error_dict") else {
        NON_FIELD_ERRORS: error.messages}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
