/* plotly.js in Chinese (zh-CN), served from this server: toolbar tooltips, notices, month and
 * day names and date formats. Charts use it through config.locale = 'zh-CN'
 * (dashboard/components.py: graph_config). Based on the zh-CN dictionary of the
 * plotly.js-locales package 3.7.0 (MIT licence, (c) Plotly Technologies Inc.), with the
 * strings plotly.js 4 added, short month names as 1月…12月 and Chinese date formats.
 * plotly.js registers window.PlotlyLocales when it loads (assets/plotly-dashboard-*.min.js,
 * after this file: Dash loads assets in file-name order) or, if it is already there, takes
 * the locale at once. */
(function () {
    'use strict';
    var locale = {
        moduleType: 'locale',
        name: 'zh-CN',
        dictionary: {
            'Autoscale': '自动缩放',
            'Box Select': '矩形框选',
            'Click to enter Colorscale title': '点击输入色阶的标题',
            'Click to enter Component A title': '点击输入组件A的标题',
            'Click to enter Component B title': '点击输入组件B的标题',
            'Click to enter Component C title': '点击输入组件C的标题',
            'Click to enter Plot title': '点击输入图表的标题',
            'Click to enter X axis title': '点击输入X轴的标题',
            'Click to enter Y axis title': '点击输入Y轴的标题',
            'Click to enter radial axis title': '点击输入径向轴的标题',
            'Compare data on hover': '悬停时比较数据',
            'Double-click on legend to isolate one trace': '双击图例只显示这一组数据',
            'Double-click to zoom back out': '双击恢复原来的缩放',
            'Download plot as a PNG': '下载图表（PNG 图片）',
            'Download plot': '下载图表',
            'IE only supports svg.  Changing format to svg.': 'IE 只支持 SVG，已改为 SVG 格式。',
            'Lasso Select': '套索选择',
            'Orbital rotation': '轨道旋转',
            'Pan': '平移',
            'Produced with Plotly.js': '由 Plotly.js 生成',
            'Reset': '重置',
            'Reset axes': '重置坐标轴',
            'Reset camera to default': '重置镜头视角为默认状态',
            'Reset camera to last save': '重置镜头视角为上次保存状态',
            'Reset view': '重置视图',
            'Reset views': '重置视图',
            'Show closest data on hover': '悬停时显示最近的数据',
            'Snapshot succeeded': '图片已生成',
            'Sorry, there was a problem downloading your snapshot!': '抱歉，下载图片时出错！',
            'Taking snapshot - this may take a few seconds': '正在生成图片，可能需要几秒钟',
            'Toggle Spike Lines': '切换数据点辅助线',
            'Toggle show closest data on hover': '切换悬停时显示最近的数据',
            'Turntable rotation': '转盘旋转',
            'Zoom': '缩放',
            'Zoom in': '放大',
            'Zoom out': '缩小',
            'close:': '收盘：',
            'high:': '最高：',
            'incoming flow count:': '流入数量：',
            'kde:': '核密度：',
            'lat:': '纬度：',
            'lon:': '经度：',
            'low:': '最低：',
            'lower fence:': '下限：',
            'max:': '最大值：',
            'mean ± σ:': '平均数 ± 标准差：',
            'mean:': '平均数：',
            'median:': '中位数：',
            'min:': '最小值：',
            'new text': '新文本',
            'open:': '开盘：',
            'outgoing flow count:': '流出数量：',
            'q1:': '第一四分位数：',
            'q3:': '第三四分位数：',
            'source:': '来源：',
            'target:': '目标：',
            'trace': '数据组',
            'upper fence:': '上限：'
        },
        format: {
            days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
            shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
            months: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月',
                     '十月', '十一月', '十二月'],
            shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月',
                          '10月', '11月', '12月'],
            periods: ['上午', '下午'],
            date: '%Y-%m-%d',
            time: '%H:%M:%S',
            dateTime: '%Y-%m-%d %H:%M:%S',
            decimal: '.',
            thousands: ',',
            grouping: [3],
            currency: ['¥', ''],
            year: '%Y年',
            month: '%Y年%-m月',
            dayMonth: '%-m月%-d日',
            dayMonthYear: '%Y年%-m月%-d日'
        }
    };
    if (window.Plotly && typeof window.Plotly.register === 'function') {
        window.Plotly.register(locale);
    } else {
        window.PlotlyLocales = (window.PlotlyLocales || []).concat([locale]);
    }
}());
