/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, onWillStart, onWillUpdateProps, useState} from "@odoo/owl";
import {
    deserializeDate,
    deserializeDateTime,
    formatDate,
    formatDateTime,
} from "@web/core/l10n/dates";
import {formatFloat} from "@web/core/utils/numbers";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

const PAGE_SIZE = 40;

/**
 * One page of the customer timeline, read from the server's crm_timeline
 * (which applies the reader's access), with filters and paging.
 */
export class CrmTimeline extends Component {
    static template = "crm_pipeline_ext.CrmTimeline";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({
            entries: [],
            total: 0,
            offset: 0,
            labels: {kind: {}, channel: {}, department: {}},
            filters: {
                kind: "",
                channel: "",
                department: "",
                date_from: "",
                date_to: "",
            },
            loading: true,
        });
        onWillStart(() => this.load(this.props.record.resId));
        onWillUpdateProps((next) => {
            if (next.record.resId !== this.props.record.resId) {
                this.state.offset = 0;
                return this.load(next.record.resId);
            }
        });
    }

    get filterKeys() {
        return ["kind", "channel", "department"];
    }

    async load(resId = this.props.record.resId) {
        if (!resId) {
            return;
        }
        const filters = {};
        for (const [key, value] of Object.entries(this.state.filters)) {
            if (value) {
                filters[key] = this.filterKeys.includes(key) ? [value] : value;
            }
        }
        this.state.loading = true;
        const page = await this.orm.call(
            this.props.record.resModel,
            "crm_timeline",
            [[resId]],
            {filters, offset: this.state.offset, limit: PAGE_SIZE}
        );
        Object.assign(this.state, {
            entries: page.entries,
            total: page.total,
            labels: page.labels,
            loading: false,
        });
    }

    formatWhen(entry) {
        // an invoice's or a payment's day is not shifted by the time zone
        if (entry.date_only) {
            return formatDate(deserializeDate(entry.date.slice(0, 10)));
        }
        return formatDateTime(deserializeDateTime(entry.date));
    }

    formatAmount(entry) {
        if (entry.amount === null || entry.amount === undefined) {
            return "";
        }
        return `${formatFloat(entry.amount, {digits: [16, 2]})} ${entry.currency || ""}`;
    }

    get lastIndex() {
        return Math.min(this.state.offset + PAGE_SIZE, this.state.total);
    }

    onFilter(key, ev) {
        this.state.filters[key] = ev.target.value;
        this.state.offset = 0;
        this.load();
    }

    onPage(step) {
        const offset = this.state.offset + step * PAGE_SIZE;
        if (offset < 0 || offset >= this.state.total) {
            return;
        }
        this.state.offset = offset;
        this.load();
    }

    onOpen(entry) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: entry.model,
            res_id: entry.res_id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("view_widgets").add("crm_pipeline_ext_timeline", {
    component: CrmTimeline,
});
