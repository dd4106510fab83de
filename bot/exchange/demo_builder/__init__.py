"""The demo school generator, split by responsibility; import it via ``bot.exchange.demo_school``.

``document`` assembles the sync document (its docstring says what the demo covers and how it
stays stable from day to day) from the parts below, each of which depends only on those above:

- ``school``: name, seed, subjects, teachers, classes and their weekly hours;
- ``school_year``: terms and holidays of the school year containing a date;
- ``names`` and ``people``: Russian names and the students, families and guardians built from them;
- ``timetable``: the weekly timetable of every class and the lessons it plans per term;
- ``topics``: what lessons are about through the year;
- ``lessons``: the lessons of the covered terms and the tests among them;
- ``changes``: substitutions, moves and cancellations;
- ``texts``: the wording of homework, mark comments and teachers' advice;
- ``marks``: marks and final grades;
- ``homework``: homework and teachers' recommendations.
"""
