/* The date picker's month and day names in the page's language, not the browser's.
 *
 * Dash 4's DatePickerSingle formats with the first date-fns locale on window.dateFns.locale
 * that matches navigator.languages, else the first one loaded: a Chinese browser would show
 * a Chinese calendar on the English page and the other way round. The two locales are
 * loaded just before this file (locale-datefns-*.js, assets load in name order); here
 * window.dateFns.locale becomes a view holding only the locale of <html lang>, which the
 * shell sets on every render (dashboard/app.py). */
(function () {
    'use strict';
    var loaded = Object.assign({}, (window.dateFns || {}).locale);
    var holder = Object.assign({}, window.dateFns);
    Object.defineProperty(holder, 'locale', {
        configurable: true,
        enumerable: true,
        get: function () {
            return document.documentElement.lang === 'en'
                ? {enUS: loaded.enUS} : {zhCN: loaded.zhCN};
        },
        set: function (value) {  // a locale loaded later joins the others
            Object.assign(loaded, value);
        }
    });
    window.dateFns = holder;
}());
