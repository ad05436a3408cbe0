/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Interaction} from "@web/public/interaction";
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

/**
 * The customer changes quantities and options of a sent quote: each change
 * goes to the server, which checks it against the salesperson's limits,
 * reprices the quote from the rate card and answers with the new totals.
 */
export class PricerConfigure extends Interaction {
    static selector = "#pricer_configure";
    dynamicContent = {
        ".o_pricer_qty": {"t-on-change.withTarget": this.onQuantityChange},
        ".o_pricer_option": {"t-on-change.withTarget": this.onOptionChange},
    };

    lineId(el) {
        return parseInt(el.closest("tr").dataset.lineId);
    }

    onQuantityChange(ev, el) {
        // the server refuses what is not a number
        const quantity = el.value === "" ? null : Number(el.value);
        return this.send({line_id: this.lineId(el), quantity});
    }

    onOptionChange(ev, el) {
        return this.send({line_id: this.lineId(el), selected: el.checked});
    }

    async send(change) {
        const errorEl = this.el.querySelector(".o_pricer_configure_error");
        let result = null;
        try {
            result = await this.waitFor(
                rpc(`/my/orders/${this.el.dataset.orderId}/pricer_configure`, {
                    changes: [change],
                    access_token: this.el.dataset.token,
                })
            );
        } catch (error) {
            errorEl.textContent = error.data?.message || error.message;
            errorEl.classList.remove("d-none");
            return;
        }
        errorEl.classList.add("d-none");
        const wasBlocked = !document
            .querySelector(".o_pricer_approval_notice")
            .classList.contains("d-none");
        if (result.needs_approval !== wasBlocked) {
            // signing and paying change: the page shows the quote's new state
            window.location.reload();
            return;
        }
        this.render(result);
    }

    render(result) {
        for (const line of result.lines) {
            const row = this.el.querySelector(`tr[data-line-id="${line.id}"]`);
            if (!row) {
                continue;
            }
            row.querySelector(".o_pricer_line_subtotal").textContent =
                line.price_subtotal_formatted;
            const input = row.querySelector(".o_pricer_qty");
            if (input) {
                input.value = line.quantity;
                input.disabled = Boolean(
                    row.querySelector(".o_pricer_option") && !line.quantity
                );
            }
            const text = row.querySelector(".o_pricer_qty_text");
            if (text) {
                text.textContent = line.quantity;
            }
        }
        this.el.querySelector(".o_pricer_total").textContent =
            result.amount_total_formatted;
        for (const el of document.querySelectorAll('[data-id="total_amount"]')) {
            el.textContent = result.amount_total_formatted;
        }
    }
}

registry
    .category("public.interactions")
    .add("crm_quote_pricer.pricer_configure", PricerConfigure);
