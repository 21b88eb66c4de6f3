"""The floors the portal's pages are measured against (make pagebench): a minimal Django project on the same
Django, the same WSGI server and the same machine, with no database.

- `/bare/`: a view returning a few bytes, through no middleware: what Django and gunicorn cost alone.
- `/table/`: a 50-row table rendered by a Django template through the session, authentication, CSRF and locale
  middleware (sessions in signed cookies, an anonymous user): what any page of 50 rows would cost before its
  queries, its permissions and its own template.
"""

import os

BASE_DIR = os.path.dirname(__file__)
SECRET_KEY = os.environ.get("SECRET_KEY", "floor-only-never-for-a-site")
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tooling.pagebench.floor.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
DATABASES = {}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
            "loaders": [("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])],
        },
    }
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Los_Angeles"
LANGUAGE_CODE = "en-us"
WSGI_APPLICATION = "tooling.pagebench.floor.wsgi.application"
