import os

from setuptools import find_packages, setup

here = os.path.abspath(os.path.dirname(__file__))
with open(os.path.join(here, "README.md")) as f:
    README = f.read()
with open(os.path.join(here, "CHANGES.txt")) as f:
    CHANGES = f.read()

requires = [
    "alembic>=1.13",
    "argon2-cffi>=23.1",
    "colander>=2.0",
    "icalendar>=6.0",
    "oauthlib>=4.0,<5",
    "plaster_pastedeploy",
    "psycopg[binary]>=3.1",
    "pyramid>=2.0",
    "pyramid_jinja2>=2.10",
    "pyramid_mailer>=0.15",
    "pyramid_retry>=2.1",
    "pyramid_tm>=2.5",
    "SQLAlchemy>=2.0,<2.2",
    "transaction>=3.0",
    # the IANA zone names a user's timezone may be, the same on every host
    "tzdata",
    "waitress>=3.0",
    "zope.sqlalchemy>=3.0",
]

tests_require = [
    "WebTest>=3.0",
    "pytest>=8",
    "pytest-cov",
    "pytest-xdist",
    "requests",
    "requests-oauthlib>=2.0",
    "playwright",
    "schemathesis>=4,<5",
    # validates responses against the OpenAPI document (tests/api)
    "jsonschema_rs",
    "hypothesis",
]

setup(
    name="seatshare",
    version="0.1.0",
    description="SeatShare: share season tickets with friends",
    long_description=README + "\n\n" + CHANGES,
    long_description_content_type="text/markdown",
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Pyramid",
        "Topic :: Internet :: WWW/HTTP :: WSGI :: Application",
    ],
    python_requires=">=3.11",
    packages=find_packages(exclude=["tests", "tests.*", "benchmarks"]),
    include_package_data=True,
    zip_safe=False,
    extras_require={"testing": tests_require},
    install_requires=requires,
    entry_points={
        "paste.app_factory": ["main = seatshare:main"],
        "console_scripts": ["seatshare = seatshare.cli:main"],
    },
)
