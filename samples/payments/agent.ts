// Sample agent: a checkout that charges a card through a payment provider. The charge has a
// reconciler, so a crash while it is in flight never charges the card twice: on recovery the
// reconciler asks the provider (here a ledger file outside the durable store) what happened.
import { defineAgent } from 'durable-run';
import { appendLedger, findCharge } from './ledger';

interface Order {
  orderId: string;
  amountCents: number;
  card: string;
}

interface Price {
  /** The id the card is charged under: new on every run, and kept in the journal with the
   *  price, so a recovery charges under the same id and the provider can say if it has it. */
  chargeId: string;
  totalCents: number;
  currency: string;
}

/** Prices the order and names its charge. */
async function priceOrder(order: Order): Promise<Price> {
  const chargeId = `ch_${order.orderId}_${Math.random().toString(36).slice(2, 8)}`;
  const totalCents = order.amountCents + Math.round(order.amountCents * 0.2);
  return { chargeId, totalCents, currency: 'EUR' };
}

/** The side effect that must happen once: it charges the card and returns the provider's record. */
async function charge(order: Order, price: Price) {
  return appendLedger({
    chargeId: price.chargeId,
    orderId: order.orderId,
    card: order.card,
    totalCents: price.totalCents,
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
        const receipt = await ctx.durableExecute(charge, [order, price], {
          // Runs only on recovery, for a charge that was in flight when the process died: if the
          // provider has it, that is the outcome; if not, it never happened, so charge now.
          reconciler: async () => findCharge(price.chargeId) ?? charge(order, price),
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
