// Sample agent: a checkout that charges a card through a payment provider. The charge has a
// reconciler, so a crash while it is in flight never charges the card twice: on recovery the
// reconciler asks the provider (here a ledger file outside the durable store) what happened.
import { defineAgent } from 'durable-run';
import { appendLedger, findCharge, type Charge } from './ledger';

interface Order {
  orderId: string;
  amountCents: number;
  card: string;
}

/** Prices the order: pure, so replaying it is always safe. */
async function priceOrder(order: Order): Promise<{ totalCents: number; currency: string }> {
  return { totalCents: order.amountCents + Math.round(order.amountCents * 0.2), currency: 'EUR' };
}

/** The side effect that must happen once: it charges the card and returns the provider's receipt. */
async function charge(order: Order, totalCents: number): Promise<Charge> {
  return appendLedger({
    chargeId: `ch_${order.orderId}`,
    orderId: order.orderId,
    card: order.card,
    totalCents,
  });
}

async function sendReceipt(orderId: string, chargeId: string): Promise<string> {
  return `receipt for ${orderId} (${chargeId}) sent`;
}

export default defineAgent({
  name: 'payments',
  actions: [
    {
      name: 'checkout',
      on: ['InputEvent'],
      async run(event, ctx) {
        const order = event.attributes.input as Order;
        const price = await ctx.durableExecute(priceOrder, [order]);
        const receipt = await ctx.durableExecute(charge, [order, price.totalCents], {
          // Runs only on recovery, for a charge that was in flight when the process died:
          // if the provider has it, that is the outcome; if not, it never happened, so charge now.
          reconciler: async () => findCharge(order.orderId) ?? charge(order, price.totalCents),
        });
        ctx.memory.set('lastCharge', receipt.chargeId);
        ctx.sendEvent({
          type: 'Charged',
          attributes: { orderId: order.orderId, chargeId: receipt.chargeId },
        });
      },
    },
    {
      name: 'notify',
      on: ['Charged'],
      async run(event, ctx) {
        const { orderId, chargeId } = event.attributes as { orderId: string; chargeId: string };
        const message = await ctx.durableExecute(sendReceipt, [orderId, chargeId]);
        ctx.sendEvent({
          type: 'OutputEvent',
          attributes: { output: { orderId, chargeId, message } },
        });
      },
    },
  ],
});
