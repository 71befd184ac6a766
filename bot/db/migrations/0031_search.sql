-- /search reads a full-text index instead of scanning: an FTS5 table with the trigram tokenizer
-- (any substring of 3+ characters, any script, case folded) over the SKU and the three names of
-- every ACTIVE product, keyed by the product's id (rowid). It is contentless (content=''): it keeps
-- only the index, so a row is taken out with FTS5's 'delete' command and the values it was
-- indexed with; the triggers below keep it in step with products on every insert, update and
-- delete. bot/db/catalog.py (CatalogRepository.search) is its only reader.
CREATE VIRTUAL TABLE product_search USING fts5(
    sku, name_en, name_zh, name_ru, content='', tokenize='trigram'
);

INSERT INTO product_search (rowid, sku, name_en, name_zh, name_ru)
    SELECT id, sku, name_en, name_zh, name_ru FROM products WHERE active = 1;

CREATE TRIGGER product_search_insert AFTER INSERT ON products WHEN new.active = 1
BEGIN
    INSERT INTO product_search (rowid, sku, name_en, name_zh, name_ru)
        VALUES (new.id, new.sku, new.name_en, new.name_zh, new.name_ru);
END;

CREATE TRIGGER product_search_delete AFTER DELETE ON products WHEN old.active = 1
BEGIN
    INSERT INTO product_search (product_search, rowid, sku, name_en, name_zh, name_ru)
        VALUES ('delete', old.id, old.sku, old.name_en, old.name_zh, old.name_ru);
END;

CREATE TRIGGER product_search_update
AFTER UPDATE OF id, sku, name_en, name_zh, name_ru, active ON products
BEGIN
    INSERT INTO product_search (product_search, rowid, sku, name_en, name_zh, name_ru)
        SELECT 'delete', old.id, old.sku, old.name_en, old.name_zh, old.name_ru
        WHERE old.active = 1;
    INSERT INTO product_search (rowid, sku, name_en, name_zh, name_ru)
        SELECT new.id, new.sku, new.name_en, new.name_zh, new.name_ru
        WHERE new.active = 1;
END;
