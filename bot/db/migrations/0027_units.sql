-- Unit of measure of a product: what one unit of its quantity is (12 boxes, 3 kg). The set is
-- bot/domain/models.py Unit; products before this are counted in pieces.
ALTER TABLE products ADD COLUMN unit TEXT NOT NULL DEFAULT 'pcs'
    CHECK (unit IN ('pcs', 'box', 'pack', 'ream', 'set', 'kg', 'm', 'l'));
