-- Pre-order deposits (issue 14): a share of the pre-ordered lines invoiced at approval.
-- * products.deposit_percent: the deposit asked on a pre-order of the product, 0..100;
--   NULL: the config default (catalog.preorder_deposit_percent).
-- * invoices.deposit: what of the invoice is the deposit (its first due date, due at
--   approval); 0 when the invoice asks none. The rest follows the order's payment term.
ALTER TABLE products ADD COLUMN deposit_percent INTEGER
    CHECK (deposit_percent IS NULL OR deposit_percent BETWEEN 0 AND 100);
ALTER TABLE invoices ADD COLUMN deposit INTEGER NOT NULL DEFAULT 0 CHECK (deposit >= 0);
