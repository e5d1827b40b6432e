# English pages keep Django's English dates, but inputs read dd/mm/yyyy as the Vietnamese ones do (the admin's
# date pickers write WAGTAIL_DATE_FORMAT whatever the language): never mm/dd/yyyy, which would turn 03/04 into
# the 4th of March.
from django.conf.locale.en.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
