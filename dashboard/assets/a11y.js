/* Keyboard and screen-reader repairs for the third-party widgets every page uses (WCAG 2.1
 * AA, checked with axe-core in tests/browser/test_a11y_browser.py and by keyboard in
 * tests/browser/test_keyboard_browser.py). Each repair names what it fixes; none changes
 * what a widget does for a mouse user. The names come in the page's language from the
 * shell's #ui-strings element (dashboard/app.py: ui_strings, strings in dashboard/i18n.py).
 *
 * - DataTable: its keydown handler swallows Tab anywhere inside the table (the page box's
 *   number field became a keyboard trap) and Enter; here Tab always moves on. In tables
 *   whose rows open a detail (marked --lyg-row-opens by components.data_table), the first
 *   cell of each row is a Tab stop and Enter or Space on it clicks it, which is what opens
 *   the row for a mouse user. Page buttons get names; a table wider than its box is a
 *   focusable, named region so it can be scrolled from the keyboard.
 * - dcc.Dropdown: its Tab target is a hidden input marked aria-hidden; it gets the field's
 *   label instead, and so does the dropdown button.
 * - dcc.Checklist: Dash 4 draws it as a listbox of options that each hold a checkbox (a
 *   control inside a control, and a listbox without a name); it becomes a named group of
 *   plain labelled checkboxes, which is what it is.
 * - dcc.RangeSlider: its number boxes and thumbs get names; dcc.DatePickerSingle: the ARIA
 *   state its wrapper div may not carry moves to the input (a combobox opening a dialog),
 *   the input is named by its <label>, the calendar's arrow buttons are named in Chinese.
 * - DataTable sort arrows: focusable buttons (Enter or Space sorts) named by column and
 *   current order; the header cell carries aria-sort.
 * - Maps (scattergeo points with customdata, /heritage): one Tab stop; the arrow keys move
 *   between the points in list order (site number), the point is ringed and its name
 *   announced, Enter or Space opens it by the same plotly_click a mouse click sends.
 * - A range slider followed by a note "A – B" (/heritage's era): the handles' accessible
 *   value (aria-valuetext) is the year the note shows, not the slider position.
 */
(function () {
    'use strict';
    var ROW_OPENS = '--lyg-row-opens';
    var ENGLISH = {  // fixed English names in the Dash widgets → our keys
        'Previous month': 'previous_month', 'Next month': 'next_month',
        'Close calendar': 'close_calendar', 'Clear date': 'clear_date',
        'Minimum': 'minimum', 'Maximum': 'maximum'
    };
    var PAGE_BUTTONS = {
        'first-page': 'first_page', 'previous-page': 'previous_page',
        'next-page': 'next_page', 'last-page': 'last_page'
    };
    var labelCount = 0;
    var sizes = null;  // a ResizeObserver, once started

    function strings() {
        var holder = document.getElementById('ui-strings');
        var lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
        if (!holder) { return null; }
        try {
            return JSON.parse(holder.getAttribute('data-' + lang) || 'null');
        } catch (err) {
            return null;
        }
    }

    function set(el, name, value) {
        if (value && el.getAttribute(name) !== value) { el.setAttribute(name, value); }
    }

    function unset(el, name) {
        if (el.hasAttribute(name)) { el.removeAttribute(name); }
    }

    function labelFor(id) {
        if (!id) { return null; }
        var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
        if (label && !label.id) { label.id = 'lyg-label-' + (++labelCount); }
        return label;
    }

    function heading(el) {
        var panel = el.closest('section, .panel, main');
        var h = panel && panel.querySelector('h2, h3, h4');
        return h ? h.textContent.trim() : '';
    }

    function fmt(template, values) {
        return String(template || '').replace(/\{(\w+)\}/g, function (all, key) {
            return key in values ? String(values[key]) : all;
        });
    }

    // the sort arrow's icon says the column's order (dash-table draws fa-sort/-up/-down)
    var SORT_STATES = {'sort': 'none', 'sort-up': 'ascending', 'sort-down': 'descending'};

    function sortButtons(box, s) {
        box.querySelectorAll('.column-header--sort').forEach(function (button) {
            var th = button.closest('th');
            var name = th && th.querySelector('.column-header-name');
            var icon = button.querySelector('[data-icon]');
            var state = SORT_STATES[icon ? icon.getAttribute('data-icon') : 'sort'] || 'none';
            set(button, 'tabindex', '0');
            set(button, 'role', 'button');
            set(button, 'aria-label', fmt(s.sort_by, {
                column: name ? name.textContent.trim() : '', state: s['sort_' + state]}));
            if (th) { set(th, 'aria-sort', state); }
        });
    }

    function tables(s) {
        document.querySelectorAll('.dash-table-container').forEach(function (box) {
            box.querySelectorAll('.previous-next-container button').forEach(function (b) {
                Object.keys(PAGE_BUTTONS).forEach(function (cls) {
                    if (b.classList.contains(cls)) { set(b, 'aria-label', s[PAGE_BUTTONS[cls]]); }
                });
            });
            box.querySelectorAll('input.current-page').forEach(function (input) {
                set(input, 'aria-label', s.page_number);
            });
            sortButtons(box, s);
            var scroller = box.querySelector('.dash-spreadsheet-container');
            if (!scroller) { return; }
            // a table may grow wider than its box by style alone (no DOM change): watch sizes
            if (sizes) {
                sizes.observe(scroller);
                scroller.querySelectorAll('table').forEach(function (t) { sizes.observe(t); });
            }
            var opens = getComputedStyle(scroller).getPropertyValue(ROW_OPENS).trim() === '1';
            if (opens) {
                box.querySelectorAll('tr').forEach(function (tr) {
                    var cell = tr.querySelector('td.dash-cell');
                    if (!cell) { return; }
                    set(cell, 'tabindex', '0');
                    set(cell, 'aria-label', cell.textContent.trim() + ' — ' + s.open_row);
                });
            }
            if (!opens && scroller.scrollWidth > scroller.clientWidth + 1) {
                set(scroller, 'tabindex', '0');
                set(scroller, 'role', 'region');
                set(scroller, 'aria-label', [heading(box), s.table].filter(Boolean).join(' — '));
            } else if (scroller.getAttribute('role') === 'region') {
                unset(scroller, 'tabindex');
                unset(scroller, 'role');
                unset(scroller, 'aria-label');
            }
        });
    }

    function dropdowns() {
        document.querySelectorAll('input.dash-dropdown-focus-target').forEach(function (input) {
            var button = input.nextElementSibling;
            if (!button || !button.id) { return; }
            var label = labelFor(button.id);
            var names = (label ? label.id + ' ' : '') + button.id + '-value';
            unset(input, 'aria-hidden');
            set(input, 'aria-labelledby', names);
            set(button, 'aria-labelledby', names);
        });
    }

    function checklists() {
        document.querySelectorAll('.dash-checklist, .dash-radioitems').forEach(function (box) {
            if (box.getAttribute('role') === 'listbox') {
                var label = labelFor(box.id);
                var titled = box.closest('[title]');
                set(box, 'role', 'group');
                set(box, 'aria-label', label ? label.textContent.trim()
                    : titled ? titled.getAttribute('title') : '');
            }
            box.querySelectorAll('[role="option"]').forEach(function (option) {
                unset(option, 'role');
                unset(option, 'aria-selected');
            });
        });
    }

    function sliders(s) {
        document.querySelectorAll('.dash-slider-container').forEach(function (box) {
            var label = labelFor(box.id);
            var prefix = label ? label.textContent.trim() + ' — ' : '';
            box.querySelectorAll('.dash-range-slider-min-input').forEach(function (input) {
                set(input, 'aria-label', prefix + s.minimum);
            });
            box.querySelectorAll('.dash-range-slider-max-input').forEach(function (input) {
                set(input, 'aria-label', prefix + s.maximum);
            });
        });
    }

    function yearText(n, s) {
        return n < 0 ? fmt(s.bce, {n: -n}) : fmt(s.ce, {n: n});
    }

    // A range slider whose note below says "A – B" (/heritage's era): each handle's value
    // is the year the note shows. Where the positions are years (the slider then shows its
    // number boxes, pages/heritage.py) the year is the position, at once; on a compressed
    // scale it is the note's, which the server writes after each move: a note is taken as
    // the text of the positions the handles had when it changed.
    function rangeNotes(s) {
        document.querySelectorAll('.dash-slider-container').forEach(function (box) {
            var note = box.nextElementSibling;
            if (!note || !note.classList.contains('note')) { return; }
            var thumbs = box.querySelectorAll('[role="slider"]');
            var parts = note.textContent.split(' – ');
            if (thumbs.length !== 2 || parts.length !== 2) { return; }
            var now = Array.prototype.map.call(thumbs, function (thumb) {
                return thumb.getAttribute('aria-valuenow');
            });
            if (box.lygNote !== note.textContent) {
                box.lygNote = note.textContent;
                box.lygNoteAt = now;
            }
            var years = box.querySelector('.dash-range-slider-input') !== null;
            thumbs.forEach(function (thumb, k) {
                var text = years ? yearText(Math.round(Number(now[k])), s)
                    : now[k] === box.lygNoteAt[k] ? parts[k].trim() : null;
                if (text) { set(thumb, 'aria-valuetext', text); }
            });
        });
    }

    // --- map points by keyboard ------------------------------------------------------------

    var live = null;  // the polite live region that names the point reached
    var ring = null;  // the ring round the point reached, with its name

    function decode(text) {  // figure text is HTML-escaped (components.esc)
        var area = document.createElement('textarea');
        area.innerHTML = String(text);
        return area.value;
    }

    function item(values, k) {
        if (!values) { return undefined; }
        var list = values._inputArray || values;
        return list[k];
    }

    function byNumber(a, b) {  // "5-10" after "5-9": the list's order (site number)
        var x = a.key.split(/(\d+)/), y = b.key.split(/(\d+)/);
        for (var i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] === y[i]) { continue; }
            var nx = Number(x[i]), ny = Number(y[i]);
            if (x[i] !== '' && y[i] !== '' && !isNaN(nx) && !isNaN(ny)) { return nx - ny; }
            return x[i] < y[i] ? -1 : 1;
        }
        return x.length - y.length;
    }

    // every point a click can open (a scattergeo marker with customdata), once each; kept
    // until dcc.Graph hands plotly a new figure (a new gd.data)
    function mapPoints(gd) {
        if (gd.lygPointsOf === gd.data) { return gd.lygPoints; }
        var seen = {}, points = [];
        (gd.data || []).forEach(function (trace, curve) {
            if (trace.type !== 'scattergeo' || trace.visible === false || !trace.customdata
                || String(trace.mode || 'markers').indexOf('markers') < 0) { return; }
            var custom = trace.customdata._inputArray || trace.customdata;
            for (var k = 0; k < custom.length; k++) {
                var c = custom[k];
                var key = String(Array.isArray(c) ? c[0] : c);
                if (seen[key]) { continue; }
                seen[key] = true;
                var name = decode(Array.isArray(c) && c.length > 1 ? c[1] : key);
                points.push({key: key, curve: curve, index: k, customdata: c,
                             name: name === key ? name : name + ' ' + decode(key),
                             lon: item(trace.lon, k), lat: item(trace.lat, k),
                             text: item(trace.text, k)});
            }
        });
        gd.lygPointsOf = gd.data;
        gd.lygPoints = points.sort(byNumber);
        return gd.lygPoints;
    }

    function selectedKey(gd) {  // the ring the page draws round the chosen point
        var chosen = (gd.data || []).filter(function (t) { return t.meta === 'selected'; })[0];
        var c = chosen && item(chosen.customdata, 0);
        return c === undefined ? null : String(Array.isArray(c) ? c[0] : c);
    }

    function pointElement(gd, point) {
        var groups = gd.querySelectorAll('g.trace.scattergeo');
        for (var g = 0; g < groups.length; g++) {
            var d = groups[g].__data__;
            if (!d || !d[0] || !d[0].trace || d[0].trace.index !== point.curve) { continue; }
            var paths = groups[g].querySelectorAll('path.point');
            for (var p = 0; p < paths.length; p++) {
                if (paths[p].__data__ && paths[p].__data__.i === point.index) { return paths[p]; }
            }
        }
        return null;
    }

    function hideRing() {
        if (ring) { ring.hidden = true; }
    }

    function placeRing(gd) {
        var points = mapPoints(gd);
        var point = points.filter(function (p) { return p.key === gd.lygActive; })[0];
        // a mouse click focuses the map too: the ring is for the keyboard only
        var keyboard = gd.lygKeyboard || gd.matches(':focus-visible');
        var el = point && keyboard && document.activeElement === gd
            ? pointElement(gd, point) : null;
        var box = el && el.getBoundingClientRect();
        if (!box || (!box.width && !box.height)) { hideRing(); return; }
        if (!ring) {
            ring = document.createElement('div');
            ring.className = 'lyg-map-focus';
            ring.setAttribute('aria-hidden', 'true');
            ring.appendChild(document.createElement('span'));
            document.body.appendChild(ring);
        }
        var r = Math.max(box.width, box.height) / 2 + 7;
        ring.style.left = (box.left + box.width / 2 - r + window.scrollX) + 'px';
        ring.style.top = (box.top + box.height / 2 - r + window.scrollY) + 'px';
        ring.style.width = ring.style.height = (2 * r) + 'px';
        ring.firstChild.textContent = point.name;
        ring.hidden = false;
    }

    function announce(text) {
        if (!live) {
            live = document.createElement('div');
            live.id = 'lyg-live';
            live.className = 'lyg-live';
            live.setAttribute('aria-live', 'polite');
            document.body.appendChild(live);
        }
        live.textContent = text;
    }

    function reach(gd, step) {
        var s = strings();
        var points = mapPoints(gd);
        if (!points.length || !s) { return; }
        var at = -1;
        points.forEach(function (p, k) { if (p.key === gd.lygActive) { at = k; } });
        if (at < 0) {  // the first stop: the chosen point, else the first
            var chosen = selectedKey(gd);
            points.forEach(function (p, k) { if (p.key === chosen) { at = k; } });
            at = Math.max(0, at);
        } else if (step === 'first') {
            at = 0;
        } else if (step === 'last') {
            at = points.length - 1;
        } else {
            at = Math.min(points.length - 1, Math.max(0, at + step));
        }
        var point = points[at];
        gd.lygActive = point.key;
        gd.setAttribute('data-lyg-point', point.key);
        placeRing(gd);
        announce(fmt(s.map_point, {name: point.name, i: at + 1, n: points.length}));
    }

    function open(gd) {
        var point = mapPoints(gd).filter(function (p) { return p.key === gd.lygActive; })[0];
        if (!point) { return; }
        // what plotly sends for a mouse click; dcc.Graph turns it into clickData
        gd.emit('plotly_click', {event: null, points: [{
            curveNumber: point.curve, pointNumber: point.index, pointIndex: point.index,
            customdata: point.customdata, lon: point.lon, lat: point.lat, text: point.text}]});
    }

    function maps(s) {
        document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
            if (!gd.data || !gd.emit || !mapPoints(gd).length) { return; }
            set(gd, 'tabindex', '0');
            set(gd, 'role', 'application');
            set(gd, 'aria-label', s.map_points);
            if (!gd.lygMap) {
                gd.lygMap = true;
                gd.addEventListener('focus', function () {
                    if (gd.matches(':focus-visible')) { reach(gd, 0); }
                });
                gd.addEventListener('blur', function () {
                    gd.lygKeyboard = false;
                    hideRing();
                });
                gd.on('plotly_afterplot', function () { placeRing(gd); });
            }
            if (document.activeElement === gd) { placeRing(gd); }
        });
    }

    function datePickers() {
        document.querySelectorAll('.dash-datepicker-input-wrapper').forEach(function (wrap) {
            var input = wrap.querySelector('input.dash-datepicker-input');
            if (!input) { return; }
            set(input, 'role', 'combobox');
            set(input, 'aria-haspopup', 'dialog');
            set(input, 'aria-expanded', wrap.getAttribute('data-state') === 'open'
                ? 'true' : 'false');
            ['aria-haspopup', 'aria-expanded', 'aria-disabled', 'aria-labelledby']
                .forEach(function (name) { unset(wrap, name); });
            if (labelFor(input.id)) { unset(input, 'aria-label'); }
        });
    }

    function englishNames(s) {
        document.querySelectorAll('[aria-label]').forEach(function (el) {
            var key = ENGLISH[el.getAttribute('aria-label')];
            if (key && s[key]) { set(el, 'aria-label', s[key]); }
        });
    }

    function repair() {
        var s = strings();
        if (!s) { return; }
        tables(s);
        dropdowns();
        checklists();
        sliders(s);
        rangeNotes(s);
        maps(s);
        datePickers();
        englishNames(s);
    }

    // data-a11y-pending on <html> while a repair waits for its frame (tests wait for it)
    var pending = false;
    function schedule() {
        if (pending) { return; }
        pending = true;
        document.documentElement.setAttribute('data-a11y-pending', '');
        window.requestAnimationFrame(function () {
            pending = false;
            repair();
            if (!pending) { document.documentElement.removeAttribute('data-a11y-pending'); }
        });
    }

    // capture phase on document: runs before React's handlers on the app root
    document.addEventListener('keydown', function (e) {
        var target = e.target;
        if (!(target instanceof Element)) { return; }
        if (target.closest('.dash-table-container')) {
            if (e.key === 'Tab') {
                e.stopPropagation();  // the browser moves focus on, as everywhere else
                return;
            }
            if ((e.key === 'Enter' || e.key === ' ') && (target.matches('td.dash-cell[tabindex="0"]')
                    || target.matches('.column-header--sort[role="button"]'))) {
                e.stopPropagation();
                e.preventDefault();
                target.click();
            }
            return;
        }
        if (target.lygMap && target.classList.contains('js-plotly-plot')) {
            var steps = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1,
                         Home: 'first', End: 'last'};
            target.lygKeyboard = true;
            if (e.key in steps) {
                reach(target, steps[e.key]);
            } else if (e.key === 'Enter' || e.key === ' ') {
                open(target);
            } else {
                return;
            }
            e.preventDefault();
            e.stopPropagation();
        }
    }, true);

    function start() {
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, characterData: true,
            attributes: true, attributeFilter: ['aria-hidden', 'aria-expanded', 'aria-selected', 'data-state',
                              'aria-valuenow']
        });
        new MutationObserver(schedule).observe(document.documentElement, {
            attributes: true, attributeFilter: ['lang']
        });
        window.addEventListener('resize', schedule);
        if (window.ResizeObserver) { sizes = new ResizeObserver(schedule); }
        schedule();
    }

    if (document.body) {
        start();
    } else {
        document.addEventListener('DOMContentLoaded', start);
    }
}());
