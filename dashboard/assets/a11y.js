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
            if ((e.key === 'Enter' || e.key === ' ') && target.matches('td.dash-cell[tabindex="0"]')) {
                e.stopPropagation();
                e.preventDefault();
                target.click();
            }
        }
    }, true);

    function start() {
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, characterData: true,
            attributes: true, attributeFilter: ['aria-hidden', 'aria-expanded', 'aria-selected', 'data-state']
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
