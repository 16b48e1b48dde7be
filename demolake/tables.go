package demolake

import "fmt"

var (
	firstNames = []string{"Ana", "Bo", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yara", "Zoe"}
	lastNames  = []string{"Kim", "Lee", "Park", "Garcia", "Müller", "Rossi", "Silva", "Nowak", "Tanaka", "Okafor", "Dubois", "Jensen", "Haddad", "Ivanova", "Smith"}
	countries  = []string{"KR", "KR", "KR", "JP", "US", "DE", "FR", "BR", "IN", "GB"}
	categories = []string{"shoes", "bags", "outerwear", "tops", "bottoms", "beauty", "home", "kids", "sports", "accessories"}
	adjectives = []string{"classic", "soft", "urban", "light", "warm", "daily", "premium", "vintage", "slim", "cozy"}
	keywords   = []string{"sneakers", "running shoes", "tote bag", "winter coat", "padding", "hoodie", "jeans", "lipstick", "sunscreen", "rain boots", "backpack", "cardigan", "linen shirt", "yoga pants", "wallet", "scarf", "kids shoes", "sale", "gift", "new arrivals"}
	pages      = []string{"home", "search", "product", "product", "product", "cart", "checkout", "brand", "event", "my_page"}
	devices    = []string{"ios", "android", "android", "web", "mobile_web"}
	statuses   = []string{"paid", "paid", "paid", "paid", "shipped", "delivered", "delivered", "cancelled", "refunded"}
)

func tables(s Scale) []table {
	brands := max(s.Products/20, 5)
	return []table{
		{name: "obj_brands", singleFile: true, query: fmt.Sprintf(`
			SELECT i AS brand_id, 'Brand ' || i AS name, %s AS country
			FROM range(1, %d) t(i)`, pick(countries, "i*7"), brands+1)},
		{name: "obj_members", query: fmt.Sprintf(`
			SELECT i AS member_id, %s || ' ' || %s AS name,
			       'member' || i || '@example.com' AS email,
			       '010-' || lpad((hash(i*3) %% 10000)::VARCHAR, 4, '0') || '-' || lpad((hash(i*5) %% 10000)::VARCHAR, 4, '0') AS phone,
			       %s AS country,
			       DATE '2020-01-01' + (hash(i*11) %% 2190)::INT AS signup_date
			FROM range(1, %d) t(i)`, pick(firstNames, "i"), pick(lastNames, "i*13"), pick(countries, "i*17"), s.Members+1)},
		{name: "obj_products", query: fmt.Sprintf(`
			SELECT i AS product_id, 1 + (hash(i) %% %d)::BIGINT AS brand_id,
			       %s || ' ' || %s || ' ' || i AS name, %s AS category,
			       %s AS price
			FROM range(1, %d) t(i)`, brands, pick(adjectives, "i*5"), pick(categories, "i*7"), pick(categories, "i*7"), productPrice("i"), s.Products+1)},
		{name: "act_orders", partitioned: true, query: fmt.Sprintf(`
			WITH totals AS (SELECT order_id, sum(quantity * unit_price) AS total FROM (%s) GROUP BY order_id)
			SELECT i AS order_id, 1 + (hash(i) %% %d)::BIGINT AS member_id,
			       TIMESTAMP '%s' + to_seconds((hash(i*3) %% (%d * 86400))::BIGINT) AS ordered_at,
			       %s AS status, total::DECIMAL(12,2) AS total,
			       CAST(ordered_at AS DATE) AS dt
			FROM range(1, %d) t(i) JOIN totals ON order_id = i`, orderLines(s), s.Members, Start, s.Days, pick(statuses, "i*7"), s.Orders+1)},
		{name: "act_order_items", partitioned: true, query: orderLines(s)},
		{name: "act_page_views", partitioned: true, query: fmt.Sprintf(`
			SELECT i AS view_id, 1 + (hash(i) %% %d)::BIGINT AS member_id,
			       TIMESTAMP '%s' + to_seconds((hash(i*3) %% (%d * 86400))::BIGINT) AS viewed_at,
			       %s AS page,
			       CASE WHEN page = 'search' THEN %s END AS search_keyword,
			       CASE WHEN page = 'product' THEN 1 + (hash(i*7) %% %d)::BIGINT END AS product_id,
			       %s AS device,
			       CAST(viewed_at AS DATE) AS dt
			FROM range(1, %d) t(i)`, s.Members, Start, s.Days, pick(pages, "i*5"), pick(keywords, "i*11"), s.Products, pick(devices, "i*13"), s.Views+1)},
	}
}

// orderLines are the lines of every order, priced at their product's price,
// so that an order's total is the sum of its lines, as an analyst checks.
func orderLines(s Scale) string {
	return fmt.Sprintf(`
			SELECT o AS order_id, n AS line, 1 + (hash(o*31 + n) %% %d)::BIGINT AS product_id,
			       1 + (hash(o*37 + n) %% 3)::INT AS quantity,
			       %s AS unit_price,
			       CAST(TIMESTAMP '%s' + to_seconds((hash(o*3) %% (%d * 86400))::BIGINT) AS DATE) AS dt
			FROM range(1, %d) t(o), range(1, 1 + 1 + (hash(o*43) %% 3)::INT) u(n)`, s.Products, productPrice("product_id"), Start, s.Days, s.Orders+1)
}

// productPrice is the price of the product with the given id expression.
func productPrice(id string) string {
	return fmt.Sprintf("((5 + hash(%s*3) %% 300) * 1000)::DECIMAL(12,2)", id)
}
