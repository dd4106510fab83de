"""The shape of the demo school: its name and seed, subjects, teachers and classes.

A class's plan holds everything that makes it what it is: level, terms, bells, the length of
its school days and its weekly hours per subject with their teachers.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 7» (демо)"
DEMO_TIMEZONE = "Europe/Moscow"

# Every random choice is seeded from this and what the choice is about, never from the date:
# that is what keeps the document the same from one run to the next.
SEED = "ediary-demo-school-v1"


def subject_id(slug: str) -> str:
    return f"subj-{slug}"


@dataclass(frozen=True, slots=True)
class Teacher:
    external_id: str
    full_name: str
    room: str
    campus: str


@dataclass(frozen=True, slots=True)
class Load:
    slug: str
    weekly: int
    teacher_id: str


@dataclass(frozen=True, slots=True)
class ClassPlan:
    code: str
    name: str
    level: str
    class_teacher_id: str
    term_kind: str
    campus: str
    bells: tuple[tuple[str, str], ...]
    day_lengths: tuple[int, ...]
    loads: tuple[Load, ...]
    size: int
    male_share: float
    # Birth dates lie in [born_from, born_until): (years before the school year, month, day).
    born_from: tuple[int, int, int]
    born_until: tuple[int, int, int]
    # The chance that a student is asked (and marked) in an ordinary lesson.
    oral_rate: float
    # (change, weekday) of the weekly substitution, move and cancellation; 0 is Monday.
    change_days: tuple[tuple[str, int], ...]
    pass_fail: frozenset[str] = frozenset()

    @property
    def external_id(self) -> str:
        return f"c-{self.code}"

    def teacher_of(self, slug: str) -> str:
        return next(load.teacher_id for load in self.loads if load.slug == slug)


# --- Reference data -------------------------------------------------------------------------------

SUBJECTS: dict[str, str] = {
    "russian": "Русский язык",
    "reading": "Литературное чтение",
    "math": "Математика",
    "world": "Окружающий мир",
    "english": "Английский язык",
    "music": "Музыка",
    "art": "Изобразительное искусство",
    "technology": "Технология",
    "pe": "Физическая культура",
    "literature": "Литература",
    "algebra": "Алгебра",
    "geometry": "Геометрия",
    "probability": "Вероятность и статистика",
    "history": "История",
    "social": "Обществознание",
    "geography": "География",
    "biology": "Биология",
    "physics": "Физика",
    "informatics": "Информатика",
    "drawing": "Инженерная графика",
    "mechanics": "Техническая механика",
    "materials": "Материаловедение",
    "metrology": "Метрология, стандартизация и сертификация",
    "prof-english": "Иностранный язык в профессиональной деятельности",
    "economics": "Основы экономики",
}

TEACHERS: tuple[Teacher, ...] = (
    Teacher("t-01", "Смирнова Галина Петровна", "104", "school"),
    Teacher("t-02", "Орлова Наталья Викторовна", "301", "school"),
    Teacher("t-03", "Кравченко Игорь Николаевич", "305", "school"),
    Teacher("t-04", "Белов Андрей Сергеевич", "207", "school"),
    Teacher("t-05", "Тихонова Марина Юрьевна", "209", "school"),
    Teacher("t-06", "Зайцева Ольга Анатольевна", "211", "school"),
    Teacher("t-07", "Гусев Владимир Петрович", "210", "school"),
    Teacher("t-08", "Морозова Екатерина Александровна", "214", "school"),
    Teacher("t-09", "Лебедев Дмитрий Олегович", "312", "school"),
    Teacher("t-10", "Волков Сергей Иванович", "Спортзал", "school"),
    Teacher("t-11", "Никитина Светлана Борисовна", "115", "school"),
    Teacher("t-12", "Ковалёв Павел Геннадьевич", "Мастерская", "school"),
    Teacher("t-13", "Кузьмин Роман Андреевич", "Спортзал корпуса 2", "college"),
    Teacher("t-14", "Фролов Виктор Михайлович", "2-12", "college"),
    Teacher("t-15", "Захаров Алексей Юрьевич", "2-08", "college"),
    Teacher("t-16", "Полякова Ирина Владимировна", "Лаборатория 1-04", "college"),
    Teacher("t-17", "Егорова Анна Дмитриевна", "2-15", "college"),
    Teacher("t-18", "Степанова Татьяна Николаевна", "2-10", "college"),
)
TEACHERS_BY_ID: dict[str, Teacher] = {teacher.external_id: teacher for teacher in TEACHERS}

SCHOOL_BELLS: tuple[tuple[str, str], ...] = (
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
    ("14:20", "15:05"),
)
# Pairs (пары) of 90 minutes; the fifth exists for lessons moved to the end of the day.
COLLEGE_BELLS: tuple[tuple[str, str], ...] = (
    ("08:30", "10:00"),
    ("10:10", "11:40"),
    ("12:20", "13:50"),
    ("14:00", "15:30"),
    ("15:40", "17:10"),
)


PLANS: tuple[ClassPlan, ...] = (
    ClassPlan(
        code="2a",
        name="2А",
        level="primary",
        class_teacher_id="t-01",
        term_kind="quarter",
        campus="school",
        bells=SCHOOL_BELLS,
        day_lengths=(5, 5, 4, 4, 4),
        loads=(
            Load("russian", 5, "t-01"),
            Load("reading", 4, "t-01"),
            Load("math", 4, "t-01"),
            Load("world", 2, "t-01"),
            Load("english", 2, "t-08"),
            Load("music", 1, "t-11"),
            Load("art", 1, "t-01"),
            Load("technology", 1, "t-01"),
            Load("pe", 2, "t-10"),
        ),
        size=26,
        male_share=0.5,
        born_from=(9, 9, 2),
        born_until=(7, 3, 1),
        oral_rate=0.3,
        change_days=(("substituted", 1), ("moved", 2), ("cancelled", 3)),
    ),
    ClassPlan(
        code="7b",
        name="7Б",
        level="basic",
        class_teacher_id="t-03",
        term_kind="quarter",
        campus="school",
        bells=SCHOOL_BELLS,
        day_lengths=(7, 7, 6, 6, 6),
        loads=(
            Load("russian", 4, "t-02"),
            Load("literature", 2, "t-02"),
            Load("algebra", 3, "t-03"),
            Load("geometry", 2, "t-03"),
            Load("probability", 1, "t-03"),
            Load("history", 2, "t-04"),
            Load("social", 1, "t-04"),
            Load("geography", 2, "t-05"),
            Load("biology", 2, "t-06"),
            Load("physics", 2, "t-07"),
            Load("english", 3, "t-08"),
            Load("informatics", 1, "t-09"),
            Load("pe", 3, "t-10"),
            Load("music", 1, "t-11"),
            Load("art", 1, "t-11"),
            Load("technology", 2, "t-12"),
        ),
        size=28,
        male_share=0.5,
        born_from=(14, 9, 2),
        born_until=(12, 3, 1),
        oral_rate=0.2,
        change_days=(("substituted", 0), ("moved", 2), ("cancelled", 4)),
    ),
    ClassPlan(
        code="tm21",
        name="ТМ-21",
        level="vocational",
        class_teacher_id="t-14",
        term_kind="semester",
        campus="college",
        bells=COLLEGE_BELLS,
        day_lengths=(4, 3, 4, 3, 3),
        loads=(
            Load("drawing", 3, "t-14"),
            Load("mechanics", 3, "t-15"),
            Load("metrology", 2, "t-15"),
            Load("materials", 3, "t-16"),
            Load("prof-english", 2, "t-17"),
            Load("economics", 2, "t-18"),
            Load("pe", 2, "t-13"),
        ),
        size=23,
        male_share=0.85,
        born_from=(19, 9, 2),
        born_until=(17, 7, 1),
        oral_rate=0.22,
        change_days=(("substituted", 2), ("moved", 0), ("cancelled", 1)),
        pass_fail=frozenset({"pe"}),
    ),
)
PLANS_BY_CODE: dict[str, ClassPlan] = {plan.code: plan for plan in PLANS}
