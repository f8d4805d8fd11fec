"""Every user-visible string that is not a dataset column label, in Chinese and English.

Column headers, dataset titles and quality-flag explanations come from the data dictionary
(``etl/dictionary/*.yaml``) through ``col``, ``dataset_title`` and ``flag_text``; this table
holds the rest: navigation, titles, buttons and notes. Coded values (and a document's
status) are labelled by the dictionary too (etl/dictionary/_values.yaml), through
``value_label``.
"""

from __future__ import annotations

from etl import dictionary
from etl.profile import profile

CITY = profile()  # the city this checkout serves (datasets/reference/city.csv)

UI: dict[str, tuple[str, str]] = {
    # shell
    "app_title": (f"{CITY.short_zh}市政府公报数据", f"{CITY.name_en} Gazette Data"),
    "app_subtitle": (f"{CITY.gazette_zh} 开放数据", f"Open data from the {CITY.name_en} "
                     "municipal government gazette"),
    "switch_lang": ("English", "中文"),
    "switch_lang_title": ("Switch to English", "切换到中文"),
    "nav_overview": ("概览", "Overview"),
    "nav_economy": ("经济指标", "Economy"),
    "nav_heritage": ("文物保护单位", "Heritage sites"),
    "nav_documents": ("规范性文件", "Normative documents"),
    "nav_chronicle": ("大事记", "Chronicle"),
    "nav_quality": ("数据质量", "Data quality"),
    "nav_dictionary": ("数据字典", "Data dictionary"),
    "dictionary_title": ("数据字典", "Data dictionary"),
    "dictionary_intro": ("每个数据集的列、类型、说明与质量标记代码；与数据校验、datapackage.json、"
                         "Excel 表头同出一源（docs/data-dictionary.md）。",
                         "Every dataset's columns, types, descriptions and quality-flag codes, "
                         "from the same declaration that validates the data and writes "
                         "datapackage.json and the Excel headers (docs/data-dictionary.md)."),
    "dict_column": ("列名", "Column"),
    "dict_label": ("标签", "Label"),
    "dict_type": ("类型", "Type"),
    "dict_required": ("必填", "Required"),
    "dict_description": ("说明", "Description"),
    "dict_flags": ("质量标记代码", "Quality-flag codes"),
    "dict_flag": ("代码", "Code"),
    "dict_explanation": ("含义", "Meaning"),
    "not_found": ("页面不存在", "Page not found"),
    "back_home": ("返回概览", "Back to the overview"),
    "no_data": ("暂无数据", "No data yet"),
    "no_rows": ("当前筛选条件下没有记录", "Nothing matches the current filters"),
    "footer": (f"数据来源：{CITY.gazette_zh}。每一行均注明来源期号与行号；质量标记说明原文问题。",
               f"Source: {CITY.name_en} municipal government gazette. Every row names its source "
               "issue and line; quality flags say what the source got wrong."),
    "rows_shown": ("条记录", "rows"),
    "all": ("全部", "All"),
    "filters": ("筛选", "Filters"),
    "source": ("来源", "Source"),
    "source_line": ("来源（期号:行号）", "Source (issue:line)"),
    # downloads
    "download": ("下载", "Download"),
    "download_csv": ("当前视图 CSV", "This view (CSV)"),
    "download_xlsx": ("当前视图 Excel", "This view (Excel)"),
    "download_workbook": ("完整工作簿", "Full workbook"),
    # overview
    "overview_title": ("概览", "Overview"),
    "overview_intro": (f"{CITY.gazette_zh}中的表格与文件，整理为可查询、可下载的数据。"
                       "点击卡片进入详细页面。",
                       f"Tables and documents from the {CITY.name_en} municipal government "
                       "gazette as searchable, downloadable data. Click a card for details."),
    "card_economy": ("最新经济指标", "Latest economic indicators"),
    "card_heritage": ("市级文物保护单位", "Municipal heritage sites"),
    "card_documents": ("规范性文件", "Normative documents"),
    "card_issues": ("已收录公报", "Gazette issues ingested"),
    "card_quality": ("数据质量标记", "Quality flags"),
    "indicators_n": ("项指标", "indicators"),
    "sites_n": ("处", "sites"),
    "issues_n": ("期", "issues"),
    "flags_n": ("个标记", "flags"),
    "flagged_rows": ("行带有质量标记", "rows carry quality flags"),
    "period": ("统计期", "Period"),
    "metric": ("项目", "Item"),
    "value": ("数值", "Value"),
    "issue_published": ("出版日期", "published"),
    "card_title": ("卡片", "Card"),
    "docs_n": ("件", "documents"),
    "marked_for_revision": ("标注需修改", "marked for revision"),
    "approximate_sites": ("其中位置为近似或不明", "located only approximately or not at all"),
    "in_force_on": ("{date}有效", "in force on {date}"),
    "repealed_since": ("{date}清理后废止", "repealed since the {date} cleanup"),
    # economy
    "economy_title": ("主要经济指标", "Main economic indicators"),
    "economy_growth": ("比上年同期增长（%）", "Year-on-year growth (%)"),
    "economy_growth_note": ("价格指数不计同比增长率，见下表“指数涨幅（推算）”。",
                            "Price indices have no growth rate; see “Index change "
                            "(derived)” in the table."),
    "economy_series": ("同比增长的变化", "Year-on-year growth over time"),
    "economy_series_one": ("目前只有一个统计期；收录更多期公报后，这里会自动显示时间序列。",
                           "Only one reporting period so far; a time series appears here "
                           "once more gazette issues are ingested."),
    "economy_indicators": ("指标", "Indicators"),
    "economy_table": ("本月止累计值", "Cumulative values"),
    "growth_up": ("增长", "growth"),
    "growth_down": ("下降", "decline"),
    "value_not_printed": ("原文未印", "not printed"),
    # heritage
    "heritage_title": ("市级文物保护单位", "Municipal heritage protection sites"),
    "heritage_map": ("分布图", "Map"),
    "heritage_counts": ("各县区文物保护单位数", "Sites per county"),
    "heritage_timeline": ("年代", "Era"),
    "heritage_table": ("名录", "List"),
    "heritage_detail": ("文物点详情", "Site details"),
    "heritage_pick": ("在地图或名录中点击一处文物保护单位，查看详情。",
                      "Click a site on the map or in the list to see its details."),
    "heritage_places": ("所在位置", "Places"),
    "category": ("类别", "Category"),
    "county": ("县区", "County"),
    "era_range": ("年代范围", "Era range"),
    "approximate": ("位置为近似", "approximate location"),
    "legend_hollow": ("空心圆：位置为近似；空心方块：位置不明，标在市域中部",
                      "hollow circle: approximate location; hollow square: not located, "
                      "drawn mid-city"),
    "unlocated": ("位置不明，标在市域中部", "not located; drawn in the middle of the city"),
    "county_outlines": ("县区边界", "County outlines"),
    "selected_places": ("所选文物的位置", "Places of the selected site"),
    "sites": ("文物保护单位", "sites"),
    "year_axis": ("年份（负数为公元前）", "Year (negative = BCE)"),
    "bce": ("公元前{n}年", "{n} BCE"),
    "ce": ("{n}年", "{n} CE"),
    "era_unknown": ("年代未能换算为年份", "era not converted to years"),
    "unknown_site": ("未找到该文物保护单位", "No such site"),
    "map_unavailable": ("县区边界数据暂缺，地图暂不可用。", "County outlines are not published "
                        "yet; the map is unavailable."),
    # documents
    "documents_title": ("规范性文件", "Normative documents"),
    "documents_intro": ("2018年规范性文件清理（连政办发〔2018〕167号）列出的文件，"
                        "及其后各期公报中的修改、废止。",
                        "Documents listed by the 2018 cleanup (连政办发〔2018〕167号) and "
                        "what later gazette issues did to them."),
    "status_on": ("状态日期", "Status on"),
    "status": ("状态", "Status"),
    "search": ("搜索标题或文号", "Search title or number"),
    "search_example": ("如：审计 或 连政规发〔2014〕7号", "e.g. 审计 or 连政规发〔2014〕7号"),
    "agency": ("实施部门", "Implementing agency"),
    "list": ("清理目录", "Cleanup list"),
    "by_agency": ("各实施部门的文件数", "Documents by implementing agency"),
    "by_year": ("各年发布的文件数", "Documents by year issued"),
    "documents_table": ("文件目录", "Documents"),
    "document_panel": ("文件生命周期", "Document lifecycle"),
    "document_pick": ("在目录中点击一份文件，或在地址中加 ?doc=文号，查看其生命周期。",
                      "Click a document in the list (or add ?doc=number to the address) to "
                      "see its lifecycle."),
    "fact_issued": ("{date} 印发", "issued {date}"),
    "fact_effective": ("{date} 起施行", "in effect from {date}"),
    "fact_amended": ("{date} 经{by}修改", "amended {date} by {by}"),
    "fact_marked": ("{date} 清理时标注需修改", "marked for revision by the cleanup of {date}"),
    "fact_repealed": ("{date} 由{by}废止", "repealed {date} by {by}"),
    "fact_expires": ("有效期至 {date}", "term ends {date}"),
    "fact_scheduled_repeal": ("将于 {date} 由{by}废止", "to be repealed {date} by {by}"),
    "fact_lapsed": ("{date} 起由{by}宣布失效", "lapsed {date} by {by}"),
    "fact_scheduled_lapse": ("将于 {date} 起由{by}停止执行", "to lapse {date} by {by}"),
    "fact_revision_deadline": ("须于 {date} 前修订，逾期失效",
                               "to be revised by {date}, else lapses"),
    "short_amended": ("{date}修改", "amended {date}"),
    "short_scheduled": ("{date}起废止", "repealed from {date}"),
    "no_number": ("无文号", "no number"),
    "yes": ("是", "yes"),
    "unknown_doc": ("未找到该文号", "No document with this number"),
    "events": ("事件", "Events"),
    "evidence_hint": ("鼠标移到“事件”上可看到原文依据。", "Hover over an event to read the "
                      "gazette text it rests on."),
    "justified_by": ("依据", "Because of"),
    "gazette_documents": ("各期公报刊发的文件", "Documents each issue publishes"),
    "doc_cites": ("引用的文件", "Cites"),
    "doc_cited_by": ("被以下文件引用", "Cited by"),
    "doc_amendments": ("条款修改", "Amendments, article by article"),
    "doc_amendments_made": ("本决定作出的条款修改", "Edits this decision makes"),
    "doc_tasks": ("任务分工", "Tasks assigned"),
    "more_rows": ("另有{n}条，见数据集{name}", "{n} more in the dataset {name}"),
    "provision_article": ("第{n}条", "article {n}"),
    "doc_count": ("文件数", "Documents"),
    "year": ("年份", "Year"),
    # chronicle
    "chronicle_title": ("市政府大事记", "City government chronicle"),
    "chronicle_intro": ("各期公报刊登的市政府大事记：每条一行，注明日期、领导与来源期号:行号；"
                        "下方为文件中的重点任务分工。",
                        "The city government's chronicle as each gazette issue prints it: one "
                        "row per entry with its date, official and source issue:line; below, "
                        "the tasks documents assign to units."),
    "chronicle_search": ("搜索（任意列）", "Search (any column)"),
    "chronicle_search_example": ("如：王加培 或 招商 或 2022-10", "e.g. 王加培, 招商 or 2022-10"),
    "chronicle_timeline": ("各位领导每月的条目数", "Entries per official and month"),
    "chronicle_table": ("大事记条目", "Chronicle entries"),
    "official": ("领导", "Official"),
    "chronicle_tasks": ("重点任务分工", "Task assignments"),
    "chronicle_tasks_intro": ("文件中的任务及其牵头、配合或责任单位（同一搜索框筛选）。",
                              "Tasks the documents assign, with their lead, supporting or "
                              "responsible units (filtered by the same search box)."),
    # quality
    "quality_title": ("数据质量", "Data quality"),
    "quality_intro": ("原文中的错误与推算而非印刷的数值均以质量标记注明，原值保留。",
                      "What the source got wrong, and what was derived rather than printed, "
                      "is flagged; the raw value is kept."),
    "quality_chart": ("各类质量标记的数量", "Quality flags by kind"),
    "quality_table": ("全部质量标记", "Every quality flag"),
    "quality_glossary": ("标记说明", "What the flags mean"),
    "dataset": ("数据集", "Dataset"),
    "flag": ("标记", "Flag"),
    "flag_code": ("标记代码", "Flag code"),
    "explanation": ("说明", "Explanation"),
    "record": ("记录", "Record"),
    "count": ("数量", "Count"),
    # --- area: server, API, downloads (add below this line only) ---
    "download_csv_notes": ("CSV 含说明行", "CSV with notes"),
    "download_csv_notes_title": ("在 CSV 表格上方加上来源、筛选条件和数据日期（以 # 开头的行）",
                                 "Source, filter and data date as # lines above the CSV table"),
    "download_api": ("API 链接", "API link"),
    "download_api_title": ("当前视图的只读数据接口（JSON 改扩展名为 .json）",
                           "This view as a read-only API URL (.json for JSON)"),
    "dl_sheet_data": ("数据", "Data"),
    "dl_sheet_notes": ("说明", "Notes"),
    "dl_page": ("页面", "Page"),
    "dl_filter": ("筛选条件", "Filter"),
    "dl_filter_none": ("无（全部）", "none (everything)"),
    "dl_rows": ("行数", "Rows"),
    "dl_as_of": ("数据截至", "Data as of"),
    "dl_status_date": ("状态日期（状态列按此日期判断）",
                       "Status date (the status column is as of)"),
    "dl_source_issues": ("来源公报", "Source issues"),
    "dl_version": ("数据版本", "Data version"),
    "dl_page_url": ("页面链接", "Page URL"),
    "dl_api_url": ("API 链接", "API URL"),
    "dl_safety": ("注意", "Note"),
    "dl_safety_text": ("以 = + - @ 开头的文字前加了单引号，使表格软件把它显示为文字而不是公式。",
                       "Text starting with = + - @ has an apostrophe in front, so a "
                       "spreadsheet shows it as text, never runs it as a formula."),
    "dl_yes": ("是", "yes"),
    "dl_no": ("否", "no"),
    "dl_param_list": ("清理结果", "list"),
    "dl_param_agency": ("机构", "agency"),
    "dl_param_q": ("搜索", "search"),
    "dl_param_on": ("状态日期", "status date"),
    "dl_param_doc": ("文件", "document"),
    "dl_param_category": ("类别", "category"),
    "dl_param_county": ("县区", "county"),
    "dl_param_era_from": ("年代起", "era from"),
    "dl_param_era_to": ("年代止", "era to"),
    "dl_param_site": ("文物", "site"),
    "dl_param_period": ("统计期", "period"),
    "dl_param_indicator": ("指标", "indicator"),
    "dl_param_official": ("领导", "official"),
    "dl_param_dataset": ("数据集", "dataset"),
    "dl_param_flag": ("质量标记", "flag"),
    "api_help_title": ("数据接口（API）", "Data API"),
    "api_help_intro": ("每个数据集都有固定的只读网址：/api/<数据集>.json（JSON，分页）和 "
                       "/api/<数据集>.csv（CSV，与下载相同的防公式写法）。JSON 给出列、行、"
                       "总行数、下一页链接和数据版本。",
                       "Every dataset has a stable read-only URL: /api/<dataset>.json (JSON, "
                       "paged) and /api/<dataset>.csv (CSV, written as safely as the "
                       "downloads). JSON gives the columns, rows, total, the next page's URL "
                       "and the data version."),
    "api_help_filter": ("只要该列等于该值的行（按数据字典的类型读取；同一列可重复，表示“任一”；"
                        "未知列名返回 400 并说明原因）",
                        "rows whose column equals the value (read as the column's dictionary "
                        "type; repeat a column for any of several values; an unknown column "
                        "is a 400 saying why)"),
    "api_help_sort": ("按该列升序／降序排列", "order by the column, ascending / descending"),
    "api_help_paging": ("每页行数（默认 100）；下一页用回答中的 next_url",
                        "rows per page (default 100); the next page is the answer's next_url"),
    "api_help_shape": ("每行为对象（默认）或数组", "a row as an object (default) or an array"),
    "api_help_dl": ("CSV 作为文件下载", "the CSV as a file download"),
    "api_help_example": ("例：", "Example: "),
    "api_help_views": ("每个页面的当前视图也有网址：/api/views/<页面>.json?<页面的查询参数>；"
                       "页面下载栏中的“API 链接”即指向当前视图（视图只是某个数据集的筛选时，"
                       "指向该数据集的网址）。",
                       "Each page's current view has a URL too: /api/views/<page>.json?<the "
                       "page's query>; the download bar's \"API link\" points at the view on "
                       "screen (at the dataset's URL when the view is a plain filter of it)."),
    # --- area: status, URL state, overview, documents, quality (add below this line only) ---
    "issue_name": ("{year}年第{number}期", "issue {number} of {year}"),
    "basis": ("依据{issues}", "based on {issues}"),
    "basis_none": ("尚未收录任何一期公报", "no gazette issue ingested yet"),
    "data_until": ("数据截至 {date}（{issue}）", "Data run to {date} ({issue})"),
    "later_not_in": ("；此后的废止、修改等尚未收录", "; later repeals, amendments and other "
                     "changes are not yet in"),
    "status_col": ("状态（{date}）", "Status on {date}"),
    "chart_status_note": ("按 {date} 的状态着色；状态{basis}",
                          "Coloured by status on {date}; status {basis}"),
    "list_basis": ("文件清单{basis}", "The lists are {basis}"),
    "in_force_on_basis": ("{date}有效（{basis}）", "in force on {date} ({basis})"),
    "card_rests_on": ("{basis}", "{basis}"),
    "data_version": ("数据版本", "Data version"),
    "changelog_latest": ("最近更新", "Latest changes"),
    "changelog_line": ("{date} {issue}：{dataset} 新增 {added} 行", "{date} {issue}: "
                       "{dataset} +{added} rows"),
    "changelog_more": ("，删除 {removed} 行，修改 {changed} 行", ", -{removed}, "
                       "{changed} changed"),
    "quality_search": ("搜索原文或修正值", "Search raw or fixed values"),
    "quality_search_example": ("如：司法制办 或 市法制办", "e.g. 司法制办 or 市法制办"),
    "raw_fixed": ("原文 → 修正", "Raw → fixed"),
    # --- area: accessibility, locale, phone, map, economy, chronicle (add below this line only) ---
    # shell, widgets and screen-reader names (issue 13; read by dashboard/assets/a11y.js)
    "page_title": ("{page} · {app}", "{page} · {app}"),
    "skip_to_content": ("跳到正文", "Skip to the content"),
    "a11y_first_page": ("第一页", "First page"),
    "a11y_previous_page": ("上一页", "Previous page"),
    "a11y_next_page": ("下一页", "Next page"),
    "a11y_last_page": ("最后一页", "Last page"),
    "a11y_page_number": ("页码（输入后按回车）", "Page number (type it and press Enter)"),
    "a11y_table": ("表格（可左右滚动）", "Table (scrolls sideways)"),
    "a11y_open_row": ("按回车键打开详情", "press Enter to open the details"),
    "a11y_minimum": ("最小值", "Minimum"),
    "a11y_maximum": ("最大值", "Maximum"),
    "a11y_previous_month": ("上个月", "Previous month"),
    "a11y_next_month": ("下个月", "Next month"),
    "a11y_close_calendar": ("关闭日历", "Close calendar"),
    "a11y_clear_date": ("清除日期", "Clear date"),
    "pick_date": ("选择日期", "Select a date"),
    "dd_select_all": ("全选", "Select all"),
    "dd_deselect_all": ("全不选", "Deselect all"),
    "dd_selected_count": ("已选 {num_selected} 项", "{num_selected} selected"),
    "dd_search": ("搜索", "Search"),
    "dd_clear_search": ("清除搜索", "Clear search"),
    "dd_clear_selection": ("清除所选", "Clear selection"),
    "dd_no_options": ("没有匹配的选项", "No options found"),
    "map_keyboard": ("用键盘查看各点：按 Tab 键移到地图，用方向键逐个选择文物点，按回车键打开详情；"
                     "下方名录每一行也对应地图上的一处文物。",
                     "Keyboard path to the points: Tab to the map, move from site to site with "
                     "the arrow keys and press Enter to open its details; each row of the list "
                     "below is also one site on the map."),
    # map, economy, chronicle pages (issue 13): place sources, era scale, chart summaries
    "geosrc_gazetteer": ("{place}驻地坐标，取自离线地名库 {lib}（GeoNames）第{line}行",
                         "the seat of {place}, from the offline gazetteer {lib} (GeoNames), "
                         "line {line}"),
    "geosrc_county": ("{county}边界内的一个代表点（离线行政区划数据），并非文物的具体位置",
                      "a point inside the {county} outline (offline boundary data), not the "
                      "site's own location"),
    "geosrc_centroid": ("由各地点坐标推算的中心点", "the centre of its places' points"),
    "geosrc_not_located": ("未能由各地点定出一个位置", "its places give no single point"),
    "geosrc_span": ("各地点分属不同县区，不取中心点",
                    "its places lie in different counties; no centre is taken"),
    "geosrc_outside": ("各地点的中心点落在县区之外，未采用",
                       "the centre of its places lies outside the county; not used"),
    "geosrc_cache": ("在线地理编码（已人工核对）：{provider}，{date}",
                     "online geocoding (reviewed): {provider}, {date}"),
    "geosrc_none": ("无", "none"),
    "geosrc_other": ("见技术来源", "see the technical source"),
    "geosrc_technical": ("技术来源", "Technical source"),
    "map_spread": ("图上已与同一位置的其他文物错开", "moved apart on the map from sites at "
                   "the same point"),
    "map_selected": ("所选文物", "Selected site"),
    "map_legend_note": ("空心圆：位置为近似，共用一个位置的已错开显示；空心方块：位置不明，标在市域"
                        "中部；黑色圆环：所选文物。选择县区后地图放大到该县区。",
                        "hollow circle: approximate location (sites sharing one point are "
                        "drawn apart); hollow square: not located, drawn mid-city; black ring: "
                        "the selected site. Choosing a county zooms the map to it."),
    "era_compressed": ("公元前2000年以前按对数比例压缩", "before 2000 BCE: compressed "
                       "(logarithmic) scale"),
    "era_tick_large": ("-{wan}万", "-{short}"),
    "summary_map": ("地图显示{n}处文物保护单位：{counties}。其中{approx}处位置为近似，"
                    "{unlocated}处位置不明。",
                    "The map shows {n} sites: {counties}. {approx} are located only "
                    "approximately, {unlocated} not at all."),
    "summary_item": ("{name}{n}处", "{name} {n}"),
    "summary_counts": ("{top}最多（{n}处），{low}最少（{m}处）；{none}处未注明县区。",
                       "{top} has the most sites ({n}), {low} the fewest ({m}); {none} "
                       "name no county."),
    "summary_timeline": ("{n}处有年代。最早为{first}：{first_era}；最晚为{last}：{last_era}。",
                         "{n} sites have an era. The earliest is {first}: {first_era}; the "
                         "latest is {last}: {last_era}."),
    "summary_growth_up": ("{n}项指标中{up}项比上年同期增长，增幅最大为{top}（{top_v}）。",
                          "Of {n} indicators, {up} grew year on year, most of all {top} "
                          "({top_v})."),
    "summary_growth_down": ("{down}项下降，降幅最大为{bottom}（{bottom_v}）。",
                            "{down} declined, most of all {bottom} ({bottom_v})."),
    "summary_chronicle": ("图中共{n}条大事记，涉及{officials}位领导、{months}个月份；条目最多的是"
                          "{top}（{top_n}条）。",
                          "The chart counts {n} chronicle entries by {officials} officials "
                          "over {months} months; most entries: {top} ({top_n})."),
    "summary_empty": ("当前筛选条件下图中没有数据。", "The chart is empty for the current "
                      "filters."),
    # --- area: keyboard (add below this line only) ---
    # assets/a11y.js (through app.ui_strings): sort buttons, map points, era slider values
    "a11y_sort_by": ("按“{column}”排序，当前{state}", "Sort by {column}, now {state}"),
    "a11y_sort_none": ("未排序", "not sorted"),
    "a11y_sort_ascending": ("升序", "ascending"),
    "a11y_sort_descending": ("降序", "descending"),
    "a11y_map_points": ("地图上的各点：按方向键逐个选择，按回车键打开",
                        "Points on the map: the arrow keys move from one to the next, "
                        "Enter opens it"),
    "a11y_map_point": ("{name}，第{i}处，共{n}处，按回车键打开",
                       "{name}, {i} of {n}, press Enter to open"),
    "a11y_bce": ("公元前{n}年", "{n} BCE"),  # the same as "bce" and "ce": the era slider's
    "a11y_ce": ("{n}年", "{n} CE"),  # handles say the year the text under them shows
    # --- area: data version, changelog, licence (add below this line only) ---
    # --- area: dictionary page, value labels (add below this line only) ---
}

def norm_lang(lang: str | None) -> str:
    return "en" if lang == "en" else "zh"


def colon(lang: str = "zh") -> str:
    return "：" if lang == "zh" else ": "


def paren(text: object, lang: str = "zh") -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def listing(items: list[str], lang: str = "zh") -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def t(key: str, lang: str = "zh") -> str:
    zh, en = UI[key]
    return en if lang == "en" else zh


def value_label(kind: str, value: object, lang: str = "zh") -> str:
    """The label of a coded value from the dictionary's value list ``kind`` (``status`` for a
    document's status); the code itself when the list does not know it."""
    return dictionary.value_label(kind, value, lang)


def col(dataset: str, column: str, lang: str = "zh") -> str:
    """A column's header from the data dictionary."""
    return dictionary.labels(dataset, lang)[column]


def common_col(column: str, lang: str = "zh") -> str:
    """The header of a column several datasets share (source_issue, source_line, …)."""
    for spec in dictionary.datasets().values():
        if column in spec.column_names:
            return spec.column(column).label(lang)
    raise KeyError(column)


def dataset_title(dataset: str, lang: str = "zh") -> str:
    return dictionary.dataset(dataset).title(lang)


def flag_text(code: str, lang: str = "zh") -> str:
    flag = dictionary.all_flags().get(code)
    if flag is None:
        return code
    return flag.en if lang == "en" else flag.zh
