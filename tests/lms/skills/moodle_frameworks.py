"""Framework files written by hand in Moodle's competency-framework CSV layout (tool_lpimportcsv)."""

HEADER = (
    '"Parent ID number","ID number","Short name","Description","Description format","Scale values",'
    '"Scale configuration","Rule type (optional)","Rule outcome (optional)","Rule config (optional)",'
    '"Cross-referenced competency ID numbers","Exported ID (optional)","Is framework","Taxonomy"\n'
)

# A framework as Moodle writes one: the framework row first (with its scale and its configuration, JSON
# quotes doubled), then areas and competences below them, an HTML description, a rule, cross-references.
WARD_FRAMEWORK = HEADER + (
    '"","NLS-PHUONG","Năng lực số cán bộ phường","<p>Khung năng lực số cho cán bộ <b>phường</b></p>","1",'
    '"Cơ bản,Trung bình,Khá,Thành thạo",'
    '"[{""scaleid"":""3""},{""id"":1,""scaledefault"":1,""proficient"":0},'
    '{""id"":2,""scaledefault"":0,""proficient"":0},{""id"":3,""scaledefault"":0,""proficient"":1},'
    '{""id"":4,""scaledefault"":0,""proficient"":1}]","","","","","","1","domain,competency"\n'
    '"","1","Thông tin và dữ liệu","<p>Khai thác &amp; quản lý dữ liệu</p>","1",'
    '"","","","","","","11","0",""\n'
    '"1","1.1","Tìm kiếm thông tin","Tìm văn bản pháp quy","2","","","","","","1.3","12","0",""\n'
    '"1","1.3","Quản lý dữ liệu","Sổ sách điện tử của phường","2","","",'
    '"core_competency\\competency_rule_all","1","","1.1","13","0",""\n'
    '"","4","An toàn","","1","","","","","","","14","0",""\n'
    '"4","4.2","Bảo vệ dữ liệu cá nhân","Nghị định 13/2023","2","","","","","","1.3","15","0",""\n'
)


def framework_file(*rows: str, framework_row: str | None = None) -> bytes:
    """A small file: the header, a framework row (a 1–4 scale unless given) and the rows given."""
    framework_row = framework_row or (
        '"","TEST","Khung thử","","2","Cơ bản,Trung bình,Khá,Thành thạo",'
        '"[{""scaleid"":""1""},{""id"":3,""scaledefault"":0,""proficient"":1}]","","","","","","1",""\n'
    )
    return (HEADER + framework_row + "".join(rows)).encode()


def competency_row(parent: str, id_number: str, name: str, related: str = "") -> str:
    return f'"{parent}","{id_number}","{name}","","2","","","","","","{related}","","0",""\n'
