package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Refusing legitimate analytics is a bug too: the TPC-H queries, and
// queries in the forms TPC-DS uses, must pass both fences and run. The
// tables are small and generated here, typed as the benchmarks type them.

var tpchTables = map[string]string{
	"region":   `SELECT i::INTEGER AS r_regionkey, ['AFRICA','AMERICA','ASIA','EUROPE','MIDDLE EAST'][i+1] AS r_name, 'c' AS r_comment FROM range(5) t(i)`,
	"nation":   `SELECT i::INTEGER AS n_nationkey, ['FRANCE','GERMANY','BRAZIL','CANADA','SAUDI ARABIA'][i%5+1] || i AS n_name, (i%5)::INTEGER AS n_regionkey, 'c' AS n_comment FROM range(25) t(i)`,
	"supplier": `SELECT i::INTEGER AS s_suppkey, 'Supplier#' || i AS s_name, 'addr' AS s_address, (i%25)::INTEGER AS s_nationkey, (10+i%20) || '-555' AS s_phone, (i*13.5)::DECIMAL(15,2) AS s_acctbal, 'Customer Complaints' AS s_comment FROM range(10) t(i)`,
	"customer": `SELECT i::INTEGER AS c_custkey, 'Customer#' || i AS c_name, 'addr' AS c_address, (i%25)::INTEGER AS c_nationkey, (10+i%20) || '-555' AS c_phone, (i*7.25)::DECIMAL(15,2) AS c_acctbal, ['BUILDING','AUTOMOBILE'][i%2+1] AS c_mktsegment, 'c' AS c_comment FROM range(50) t(i)`,
	"part":     `SELECT i::INTEGER AS p_partkey, 'forest green ' || i AS p_name, 'Manufacturer#1' AS p_mfgr, 'Brand#' || (10+i%40) AS p_brand, ['PROMO BRASS','ECONOMY ANODIZED STEEL','MEDIUM POLISHED TIN'][i%3+1] AS p_type, (i%50)::INTEGER AS p_size, ['SM CASE','MED BOX','LG PACK'][i%3+1] AS p_container, (i*1.5)::DECIMAL(15,2) AS p_retailprice, 'c' AS p_comment FROM range(40) t(i)`,
	"partsupp": `SELECT (i%40)::INTEGER AS ps_partkey, (i%10)::INTEGER AS ps_suppkey, (i*3)::INTEGER AS ps_availqty, (i*0.5)::DECIMAL(15,2) AS ps_supplycost, 'c' AS ps_comment FROM range(80) t(i)`,
	"orders":   `SELECT i::INTEGER AS o_orderkey, (i%50)::INTEGER AS o_custkey, ['F','O'][i%2+1] AS o_orderstatus, (i*99.5)::DECIMAL(15,2) AS o_totalprice, DATE '1993-01-01' + (i*7)::INTEGER AS o_orderdate, ['1-URGENT','2-HIGH','3-MEDIUM'][i%3+1] AS o_orderpriority, 'Clerk' AS o_clerk, 0 AS o_shippriority, 'special requests' AS o_comment FROM range(200) t(i)`,
	"lineitem": `SELECT (i%200)::INTEGER AS l_orderkey, (i%40)::INTEGER AS l_partkey, (i%10)::INTEGER AS l_suppkey, (i%7)::INTEGER AS l_linenumber, (i%50)::DECIMAL(15,2) AS l_quantity, (i*10.5)::DECIMAL(15,2) AS l_extendedprice, 0.05::DECIMAL(15,2) AS l_discount, 0.02::DECIMAL(15,2) AS l_tax, ['R','A','N'][i%3+1] AS l_returnflag, ['O','F'][i%2+1] AS l_linestatus, DATE '1993-01-01' + (i*3)::INTEGER AS l_shipdate, DATE '1993-01-05' + (i*3)::INTEGER AS l_commitdate, DATE '1993-01-03' + (i*3)::INTEGER AS l_receiptdate, 'DELIVER IN PERSON' AS l_shipinstruct, ['AIR','MAIL','SHIP'][i%3+1] AS l_shipmode, 'c' AS l_comment FROM range(600) t(i)`,
}

// tpchQueries are the 22 TPC-H queries with the specification's
// validation parameters.
var tpchQueries = []string{
	`select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price, sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge, avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order from lineitem where l_shipdate <= date '1998-12-01' - interval '90' day group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus`,
	`select s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment from part, supplier, partsupp, nation, region where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15 and p_type like '%BRASS' and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE' and ps_supplycost = (select min(ps_supplycost) from partsupp, supplier, nation, region where p_partkey = ps_partkey and s_suppkey = ps_suppkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE') order by s_acctbal desc, n_name, s_name, p_partkey limit 100`,
	`select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority from customer, orders, lineitem where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15' group by l_orderkey, o_orderdate, o_shippriority order by revenue desc, o_orderdate limit 10`,
	`select o_orderpriority, count(*) as order_count from orders where o_orderdate >= date '1993-07-01' and o_orderdate < date '1993-07-01' + interval '3' month and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate) group by o_orderpriority order by o_orderpriority`,
	`select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue from customer, orders, lineitem, supplier, nation, region where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey and c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'ASIA' and o_orderdate >= date '1994-01-01' and o_orderdate < date '1994-01-01' + interval '1' year group by n_name order by revenue desc`,
	`select sum(l_extendedprice * l_discount) as revenue from lineitem where l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year and l_discount between 0.06 - 0.01 and 0.06 + 0.01 and l_quantity < 24`,
	`select supp_nation, cust_nation, l_year, sum(volume) as revenue from (select n1.n_name as supp_nation, n2.n_name as cust_nation, extract(year from l_shipdate) as l_year, l_extendedprice * (1 - l_discount) as volume from supplier, lineitem, orders, customer, nation n1, nation n2 where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey and s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey and ((n1.n_name = 'FRANCE' and n2.n_name = 'GERMANY') or (n1.n_name = 'GERMANY' and n2.n_name = 'FRANCE')) and l_shipdate between date '1995-01-01' and date '1996-12-31') as shipping group by supp_nation, cust_nation, l_year order by supp_nation, cust_nation, l_year`,
	`select o_year, sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share from (select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation from part, supplier, lineitem, orders, customer, nation n1, nation n2, region where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = 'AMERICA' and s_nationkey = n2.n_nationkey and o_orderdate between date '1995-01-01' and date '1996-12-31' and p_type = 'ECONOMY ANODIZED STEEL') as all_nations group by o_year order by o_year`,
	`select nation, o_year, sum(amount) as sum_profit from (select n_name as nation, extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount from part, supplier, lineitem, partsupp, orders, nation where s_suppkey = l_suppkey and ps_suppkey = l_suppkey and ps_partkey = l_partkey and p_partkey = l_partkey and o_orderkey = l_orderkey and s_nationkey = n_nationkey and p_name like '%green%') as profit group by nation, o_year order by nation, o_year desc`,
	`select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name, c_address, c_phone, c_comment from customer, orders, lineitem, nation where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01' and o_orderdate < date '1993-10-01' + interval '3' month and l_returnflag = 'R' and c_nationkey = n_nationkey group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment order by revenue desc limit 20`,
	`select ps_partkey, sum(ps_supplycost * ps_availqty) as value from partsupp, supplier, nation where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY' group by ps_partkey having sum(ps_supplycost * ps_availqty) > (select sum(ps_supplycost * ps_availqty) * 0.0001000000 from partsupp, supplier, nation where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY') order by value desc`,
	`select l_shipmode, sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end) as high_line_count, sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) as low_line_count from orders, lineitem where o_orderkey = l_orderkey and l_shipmode in ('MAIL', 'SHIP') and l_commitdate < l_receiptdate and l_shipdate < l_commitdate and l_receiptdate >= date '1994-01-01' and l_receiptdate < date '1994-01-01' + interval '1' year group by l_shipmode order by l_shipmode`,
	`select c_count, count(*) as custdist from (select c_custkey, count(o_orderkey) from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey) as c_orders (c_custkey, c_count) group by c_count order by custdist desc, c_count desc`,
	`select 100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount) else 0 end) / sum(l_extendedprice * (1 - l_discount)) as promo_revenue from lineitem, part where l_partkey = p_partkey and l_shipdate >= date '1995-09-01' and l_shipdate < date '1995-09-01' + interval '1' month`,
	`with revenue as (select l_suppkey as supplier_no, sum(l_extendedprice * (1 - l_discount)) as total_revenue from lineitem where l_shipdate >= date '1996-01-01' and l_shipdate < date '1996-01-01' + interval '3' month group by l_suppkey) select s_suppkey, s_name, s_address, s_phone, total_revenue from supplier, revenue where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue) order by s_suppkey`,
	`select p_brand, p_type, p_size, count(distinct ps_suppkey) as supplier_cnt from partsupp, part where p_partkey = ps_partkey and p_brand <> 'Brand#45' and p_type not like 'MEDIUM POLISHED%' and p_size in (49, 14, 23, 45, 19, 3, 36, 9) and ps_suppkey not in (select s_suppkey from supplier where s_comment like '%Customer%Complaints%') group by p_brand, p_type, p_size order by supplier_cnt desc, p_brand, p_type, p_size`,
	`select sum(l_extendedprice) / 7.0 as avg_yearly from lineitem, part where p_partkey = l_partkey and p_brand = 'Brand#23' and p_container = 'MED BOX' and l_quantity < (select 0.2 * avg(l_quantity) from lineitem where l_partkey = p_partkey)`,
	`select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) from customer, orders, lineitem where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > 300) and c_custkey = o_custkey and o_orderkey = l_orderkey group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice order by o_totalprice desc, o_orderdate limit 100`,
	`select sum(l_extendedprice * (1 - l_discount)) as revenue from lineitem, part where (p_partkey = l_partkey and p_brand = 'Brand#12' and p_container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG') and l_quantity >= 1 and l_quantity <= 1 + 10 and p_size between 1 and 5 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON') or (p_partkey = l_partkey and p_brand = 'Brand#23' and p_container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK') and l_quantity >= 10 and l_quantity <= 10 + 10 and p_size between 1 and 10 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON') or (p_partkey = l_partkey and p_brand = 'Brand#34' and p_container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG') and l_quantity >= 20 and l_quantity <= 20 + 10 and p_size between 1 and 15 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')`,
	`select s_name, s_address from supplier, nation where s_suppkey in (select ps_suppkey from partsupp where ps_partkey in (select p_partkey from part where p_name like 'forest%') and ps_availqty > (select 0.5 * sum(l_quantity) from lineitem where l_partkey = ps_partkey and l_suppkey = ps_suppkey and l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year)) and s_nationkey = n_nationkey and n_name = 'CANADA' order by s_name`,
	`select s_name, count(*) as numwait from supplier, lineitem l1, orders, nation where s_suppkey = l1.l_suppkey and o_orderkey = l1.l_orderkey and o_orderstatus = 'F' and l1.l_receiptdate > l1.l_commitdate and exists (select * from lineitem l2 where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey) and not exists (select * from lineitem l3 where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey and l3.l_receiptdate > l3.l_commitdate) and s_nationkey = n_nationkey and n_name = 'SAUDI ARABIA' group by s_name order by numwait desc, s_name limit 100`,
	`select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal from (select substring(c_phone from 1 for 2) as cntrycode, c_acctbal from customer where substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17') and c_acctbal > (select avg(c_acctbal) from customer where c_acctbal > 0.00 and substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17')) and not exists (select * from orders where o_custkey = c_custkey)) as custsale group by cntrycode order by cntrycode`,
}

var tpcdsTables = map[string]string{
	"date_dim":         `SELECT i::INTEGER AS d_date_sk, DATE '2000-01-01' + i::INTEGER AS d_date, (2000 + i // 365)::INTEGER AS d_year, (1 + i // 31 % 12)::INTEGER AS d_moy, (1 + i // 91 % 4)::INTEGER AS d_qoy, ['Monday','Tuesday'][i%2+1] AS d_day_name, (i // 7)::INTEGER AS d_week_seq, (i // 30)::INTEGER AS d_month_seq FROM range(800) t(i)`,
	"item":             `SELECT i::INTEGER AS i_item_sk, 'ITEM' || i AS i_item_id, 'desc ' || i AS i_item_desc, ['Books','Music','Home'][i%3+1] AS i_category, ['fiction','pop','decor'][i%3+1] AS i_class, 'brand' || (i%5) AS i_brand, (i%5)::INTEGER AS i_brand_id, (i%7)::INTEGER AS i_manufact_id, (i*2.5)::DECIMAL(7,2) AS i_current_price FROM range(60) t(i)`,
	"customer":         `SELECT i::INTEGER AS c_customer_sk, 'C' || i AS c_customer_id, 'First' || i AS c_first_name, 'Last' || i AS c_last_name, (i%20)::INTEGER AS c_current_addr_sk, ['Y','N'][i%2+1] AS c_preferred_cust_flag, (1950 + i%50)::INTEGER AS c_birth_year FROM range(100) t(i)`,
	"customer_address": `SELECT i::INTEGER AS ca_address_sk, ['CA','TX','NY'][i%3+1] AS ca_state, 'County' || (i%4) AS ca_county, ['United States'][1] AS ca_country, (-5 - i%3)::DECIMAL(5,2) AS ca_gmt_offset, lpad(i::VARCHAR, 5, '0') AS ca_zip FROM range(20) t(i)`,
	"store":            `SELECT i::INTEGER AS s_store_sk, 'S' || i AS s_store_id, 'Store ' || i AS s_store_name, ['CA','TX'][i%2+1] AS s_state, 'County' || (i%4) AS s_county FROM range(6) t(i)`,
	"store_sales":      `SELECT (i%800)::INTEGER AS ss_sold_date_sk, (i%60)::INTEGER AS ss_item_sk, (i%100)::INTEGER AS ss_customer_sk, (i%6)::INTEGER AS ss_store_sk, (i%20)::INTEGER AS ss_addr_sk, (i//3)::INTEGER AS ss_ticket_number, (1 + i%9)::INTEGER AS ss_quantity, (i*1.25)::DECIMAL(7,2) AS ss_sales_price, (i*1.5)::DECIMAL(7,2) AS ss_ext_sales_price, (i*0.5)::DECIMAL(7,2) AS ss_net_profit, (i*0.1)::DECIMAL(7,2) AS ss_coupon_amt FROM range(3000) t(i)`,
	"store_returns":    `SELECT (i%800)::INTEGER AS sr_returned_date_sk, (i%60)::INTEGER AS sr_item_sk, (i%100)::INTEGER AS sr_customer_sk, (i%6)::INTEGER AS sr_store_sk, (i*3)::INTEGER AS sr_ticket_number, (i*0.75)::DECIMAL(7,2) AS sr_return_amt FROM range(500) t(i)`,
	"web_sales":        `SELECT (i%800)::INTEGER AS ws_sold_date_sk, (i%60)::INTEGER AS ws_item_sk, (i%100)::INTEGER AS ws_bill_customer_sk, (i%20)::INTEGER AS ws_bill_addr_sk, (i//2)::INTEGER AS ws_order_number, (i*1.75)::DECIMAL(7,2) AS ws_ext_sales_price, (i*0.3)::DECIMAL(7,2) AS ws_net_profit FROM range(1500) t(i)`,
	"catalog_sales":    `SELECT (i%800)::INTEGER AS cs_sold_date_sk, (i%60)::INTEGER AS cs_item_sk, (i%100)::INTEGER AS cs_bill_customer_sk, (i%20)::INTEGER AS cs_bill_addr_sk, (i//2)::INTEGER AS cs_order_number, (i*2.25)::DECIMAL(7,2) AS cs_ext_sales_price, (i*0.4)::DECIMAL(7,2) AS cs_net_profit FROM range(1500) t(i)`,
}

// tpcdsForms are queries in the forms TPC-DS is made of, one for each
// construct its 99 queries use: rollups and grouping(), window functions
// over aggregates, CTEs read several times, set operations, correlated and
// quantified subqueries, case over scalar subqueries, full outer joins.
var tpcdsForms = map[string]string{
	"q1: a CTE read twice, correlated": `with customer_total_return as (select sr_customer_sk as ctr_customer_sk, sr_store_sk as ctr_store_sk, sum(sr_return_amt) as ctr_total_return from store_returns, date_dim where sr_returned_date_sk = d_date_sk and d_year = 2000 group by sr_customer_sk, sr_store_sk) select c_customer_id from customer_total_return ctr1, store, customer where ctr1.ctr_total_return > (select avg(ctr_total_return) * 1.2 from customer_total_return ctr2 where ctr1.ctr_store_sk = ctr2.ctr_store_sk) and s_store_sk = ctr1.ctr_store_sk and s_state = 'TX' and ctr1.ctr_customer_sk = c_customer_sk order by c_customer_id limit 100`,
	"q5: union all under a rollup":     `with ssr as (select s_store_id, sum(ss_ext_sales_price) as sales, sum(ss_net_profit) as profit from store_sales, date_dim, store where ss_sold_date_sk = d_date_sk and d_date between cast('2000-08-23' as date) and (cast('2000-08-23' as date) + interval 14 day) and ss_store_sk = s_store_sk group by s_store_id) select channel, id, sum(sales) as sales, sum(profit) as profit from (select 'store channel' as channel, 'store' || s_store_id as id, sales, profit from ssr union all select 'web channel' as channel, 'web_site' as id, sum(ws_ext_sales_price), sum(ws_net_profit) from web_sales) x group by rollup (channel, id) order by channel, id limit 100`,
	"q8: intersect":                    `select s_store_name, sum(ss_net_profit) from store_sales, date_dim, store, (select ca_zip from (select substr(ca_zip, 1, 5) ca_zip from customer_address where substr(ca_zip, 1, 5) in ('00001', '00002', '00003') intersect select ca_zip from (select substr(ca_zip, 1, 5) ca_zip, count(*) cnt from customer_address, customer where ca_address_sk = c_current_addr_sk and c_preferred_cust_flag = 'Y' group by ca_zip having count(*) > 0) a1) a2) v1 where ss_store_sk = s_store_sk and ss_sold_date_sk = d_date_sk and d_qoy = 2 and d_year = 2000 and substr(s_county, 1, 2) = substr(v1.ca_zip, 1, 2) group by s_store_name order by s_store_name limit 100`,
	"q9: case over scalar subqueries":  `select case when (select count(*) from store_sales where ss_quantity between 1 and 20) > 74129 then (select avg(ss_ext_sales_price) from store_sales where ss_quantity between 1 and 20) else (select avg(ss_net_profit) from store_sales where ss_quantity between 1 and 20) end bucket1 from (values (1)) reason(r_reason_sk) where r_reason_sk = 1`,
	"q10: exists and or exists":        `select c_preferred_cust_flag, count(*) cnt1 from customer c, customer_address ca where c.c_current_addr_sk = ca.ca_address_sk and ca_county in ('County1', 'County2') and exists (select * from store_sales, date_dim where c.c_customer_sk = ss_customer_sk and ss_sold_date_sk = d_date_sk and d_year = 2001) and (exists (select * from web_sales, date_dim where c.c_customer_sk = ws_bill_customer_sk and ws_sold_date_sk = d_date_sk and d_year = 2001) or exists (select * from catalog_sales, date_dim where c.c_customer_sk = cs_bill_customer_sk and cs_sold_date_sk = d_date_sk and d_year = 2001)) group by c_preferred_cust_flag order by c_preferred_cust_flag limit 100`,
	"q12: a window over an aggregate":  `select i_item_id, i_item_desc, i_category, i_class, i_current_price, sum(ws_ext_sales_price) as itemrevenue, sum(ws_ext_sales_price) * 100 / sum(sum(ws_ext_sales_price)) over (partition by i_class) as revenueratio from web_sales, item, date_dim where ws_item_sk = i_item_sk and i_category in ('Books', 'Home') and ws_sold_date_sk = d_date_sk and d_date between cast('2000-02-22' as date) and (cast('2000-02-22' as date) + interval 30 day) group by i_item_id, i_item_desc, i_category, i_class, i_current_price order by i_category, i_class, i_item_id, i_item_desc, revenueratio limit 100`,
	"q14: intersect of three channels": `with cross_items as (select i_item_sk ss_item_sk from item, (select iss.i_brand_id brand_id, iss.i_class class_id from store_sales, item iss where ss_item_sk = iss.i_item_sk intersect select ics.i_brand_id, ics.i_class from catalog_sales, item ics where cs_item_sk = ics.i_item_sk intersect select iws.i_brand_id, iws.i_class from web_sales, item iws where ws_item_sk = iws.i_item_sk) x where i_brand_id = brand_id and i_class = class_id) select 'store' channel, i_brand_id, sum(ss_quantity * ss_sales_price) sales from store_sales, item where ss_item_sk in (select ss_item_sk from cross_items) and ss_item_sk = i_item_sk group by rollup (channel, i_brand_id) having sum(ss_quantity * ss_sales_price) > (select avg(ss_quantity * ss_sales_price) from store_sales) limit 100`,
	"q36: rank over grouping()":        `select sum(ss_net_profit) / sum(ss_ext_sales_price) as gross_margin, i_category, i_class, grouping(i_category) + grouping(i_class) as lochierarchy, rank() over (partition by grouping(i_category) + grouping(i_class), case when grouping(i_class) = 0 then i_category end order by sum(ss_net_profit) / sum(ss_ext_sales_price) asc) as rank_within_parent from store_sales, date_dim d1, item, store where d1.d_year = 2001 and d1.d_date_sk = ss_sold_date_sk and i_item_sk = ss_item_sk and s_store_sk = ss_store_sk and s_state in ('TX', 'CA') group by rollup (i_category, i_class) order by lochierarchy desc, case when lochierarchy = 0 then i_category end, rank_within_parent limit 100`,
	"q38: intersect of distinct sets":  `select count(*) from (select distinct c_last_name, c_first_name, d_date from store_sales, date_dim, customer where store_sales.ss_sold_date_sk = date_dim.d_date_sk and store_sales.ss_customer_sk = customer.c_customer_sk and d_month_seq between 1 and 12 intersect select distinct c_last_name, c_first_name, d_date from web_sales, date_dim, customer where web_sales.ws_sold_date_sk = date_dim.d_date_sk and web_sales.ws_bill_customer_sk = customer.c_customer_sk and d_month_seq between 1 and 12) hot_cust limit 100`,
	"q39: stddev and a self join":      `with inv as (select i_item_sk, d_moy, stddev_samp(ss_quantity) stdev, avg(ss_quantity) mean, case avg(ss_quantity) when 0 then null else stddev_samp(ss_quantity) / avg(ss_quantity) end cov from store_sales, item, date_dim where ss_item_sk = i_item_sk and ss_sold_date_sk = d_date_sk and d_year = 2001 group by i_item_sk, d_moy) select inv1.i_item_sk, inv1.d_moy, inv1.mean, inv1.cov, inv2.d_moy, inv2.mean, inv2.cov from inv inv1, inv inv2 where inv1.i_item_sk = inv2.i_item_sk and inv1.d_moy = 1 and inv2.d_moy = 1 + 1 order by inv1.i_item_sk, inv1.d_moy, inv1.mean, inv1.cov, inv2.d_moy, inv2.mean, inv2.cov`,
	"q47: lag and lead over a CTE":     `with v1 as (select i_category, i_brand, s_store_name, d_year, d_moy, sum(ss_sales_price) sum_sales, avg(sum(ss_sales_price)) over (partition by i_category, i_brand, s_store_name, d_year) avg_monthly_sales, rank() over (partition by i_category, i_brand, s_store_name order by d_year, d_moy) rn from item, store_sales, date_dim, store where ss_item_sk = i_item_sk and ss_sold_date_sk = d_date_sk and ss_store_sk = s_store_sk and d_year in (2000, 2001) group by i_category, i_brand, s_store_name, d_year, d_moy), v2 as (select v1.i_category, v1.d_year, v1.avg_monthly_sales, v1.sum_sales, v1_lag.sum_sales psum, v1_lead.sum_sales nsum from v1, v1 v1_lag, v1 v1_lead where v1.i_category = v1_lag.i_category and v1.i_category = v1_lead.i_category and v1.i_brand = v1_lag.i_brand and v1.i_brand = v1_lead.i_brand and v1.s_store_name = v1_lag.s_store_name and v1.s_store_name = v1_lead.s_store_name and v1.rn = v1_lag.rn + 1 and v1.rn = v1_lead.rn - 1) select * from v2 where d_year = 2000 and avg_monthly_sales > 0 order by sum_sales - avg_monthly_sales limit 100`,
	"q51: full outer join of windows":  `with web_v1 as (select ws_item_sk item_sk, d_date, sum(sum(ws_ext_sales_price)) over (partition by ws_item_sk order by d_date rows between unbounded preceding and current row) cume_sales from web_sales, date_dim where ws_sold_date_sk = d_date_sk and d_month_seq between 1 and 12 group by ws_item_sk, d_date), store_v1 as (select ss_item_sk item_sk, d_date, sum(sum(ss_sales_price)) over (partition by ss_item_sk order by d_date rows between unbounded preceding and current row) cume_sales from store_sales, date_dim where ss_sold_date_sk = d_date_sk and d_month_seq between 1 and 12 group by ss_item_sk, d_date) select * from (select item_sk, d_date, web_sales, store_sales, max(web_sales) over (partition by item_sk order by d_date rows between unbounded preceding and current row) web_cumulative from (select case when web.item_sk is not null then web.item_sk else store.item_sk end item_sk, case when web.d_date is not null then web.d_date else store.d_date end d_date, web.cume_sales web_sales, store.cume_sales store_sales from web_v1 web full outer join store_v1 store on (web.item_sk = store.item_sk and web.d_date = store.d_date)) x) y where web_cumulative > store_sales order by item_sk, d_date limit 100`,
	"q87: except":                      `select count(*) from ((select distinct c_last_name, c_first_name, d_date from store_sales, date_dim, customer where ss_sold_date_sk = d_date_sk and ss_customer_sk = c_customer_sk and d_month_seq between 1 and 12) except (select distinct c_last_name, c_first_name, d_date from web_sales, date_dim, customer where ws_sold_date_sk = d_date_sk and ws_bill_customer_sk = c_customer_sk and d_month_seq between 1 and 12)) cool_cust`,
	"q92: a correlated threshold":      `select sum(ws_ext_sales_price) as excess_discount_amount from web_sales, item, date_dim where i_manufact_id = 3 and i_item_sk = ws_item_sk and d_date between '2000-01-27' and (cast('2000-01-27' as date) + interval 90 day) and d_date_sk = ws_sold_date_sk and ws_ext_sales_price > (select 1.3 * avg(ws_ext_sales_price) from web_sales, date_dim where ws_item_sk = i_item_sk and d_date between '2000-01-27' and (cast('2000-01-27' as date) + interval 90 day) and d_date_sk = ws_sold_date_sk) order by sum(ws_ext_sales_price) limit 100`,
	"q97: grouping sets, full join":    `with ssci as (select ss_customer_sk customer_sk, ss_item_sk item_sk from store_sales, date_dim where ss_sold_date_sk = d_date_sk and d_month_seq between 1 and 12 group by ss_customer_sk, ss_item_sk), csci as (select cs_bill_customer_sk customer_sk, cs_item_sk item_sk from catalog_sales, date_dim where cs_sold_date_sk = d_date_sk and d_month_seq between 1 and 12 group by cs_bill_customer_sk, cs_item_sk) select sum(case when ssci.customer_sk is not null and csci.customer_sk is null then 1 else 0 end) store_only, sum(case when ssci.customer_sk is null and csci.customer_sk is not null then 1 else 0 end) catalog_only, sum(case when ssci.customer_sk is not null and csci.customer_sk is not null then 1 else 0 end) store_and_catalog from ssci full outer join csci on (ssci.customer_sk = csci.customer_sk and ssci.item_sk = csci.item_sk) limit 100`,
	"q70-like: grouping sets":          `select s_state, s_county, sum(ss_net_profit) as total_sum, grouping(s_state) + grouping(s_county) as lochierarchy from store_sales, date_dim d1, store where d1.d_month_seq between 1 and 12 and d1.d_date_sk = ss_sold_date_sk and s_store_sk = ss_store_sk and s_state in (select s_state from (select s_state as s_state, rank() over (partition by s_state order by sum(ss_net_profit) desc) as ranking from store_sales, store, date_dim where d_month_seq between 1 and 12 and d_date_sk = ss_sold_date_sk and s_store_sk = ss_store_sk group by s_state) tmp1 where ranking <= 5) group by grouping sets ((s_state, s_county), (s_state), ()) order by lochierarchy desc, s_state limit 100`,
	"q23-like: quantified subquery":    `select sum(ss_sales_price) from store_sales where ss_customer_sk = any (select c_customer_sk from customer where c_birth_year > 1970) and ss_item_sk not in (select i_item_sk from item where i_category = 'Music')`,
}

// tpcBox makes a sandbox over generated tables.
func tpcBox(t *testing.T, tables map[string]string) *box {
	t.Helper()
	dir := t.TempDir()
	p := &Profile{}
	files := map[string]string{}
	for name, sql := range tables {
		path := filepath.Join(dir, name+".parquet")
		files[path] = sql
		p.Tables = append(p.Tables, TableSpec{Name: name, Path: path, Files: []string{path}})
	}
	writeParquet(t, files)
	b, err := newBox("tpc0123456789abcdef", p, &Hello{PIIKey: testKey, Threads: 1, MemoryLimit: "512MB",
		TempDirSize: "1GB", TempDir: t.TempDir(), MaxBoxes: 1, MaxBatch: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	return b
}

// runAll guards and runs each query as a worker would.
func runAll(t *testing.T, b *box, queries map[string]string) {
	c := connectBox(t, b)
	for name, sql := range queries {
		t.Run(name, func(t *testing.T) {
			s := &scope{box: b, upstream: map[string][]string{}}
			read, err := s.guard(c, sql)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if len(read) == 0 {
				t.Fatal("the plan names no table read")
			}
			rows, err := execute(c, sql, nil, false)
			if err != nil {
				t.Fatalf("does not run: %v", sqlError(sql, err))
			}
			defer rows.close()
			for rec := rows.next(); rec != nil; rec = rows.next() {
				rec.Release()
			}
			if rows.err != nil {
				t.Fatal(rows.err)
			}
		})
	}
}

func TestTPCHPassesTheGuard(t *testing.T) {
	queries := map[string]string{}
	for i, q := range tpchQueries {
		queries[fmt.Sprintf("q%02d", i+1)] = q
	}
	if len(queries) != 22 {
		t.Fatalf("%d TPC-H queries", len(queries))
	}
	runAll(t, tpcBox(t, tpchTables), queries)
}

func TestTPCDSFormsPassTheGuard(t *testing.T) {
	runAll(t, tpcBox(t, tpcdsTables), tpcdsForms)
}

// TestTPCDSAsDuckDBShipsIt runs the 99 TPC-DS queries as DuckDB's own
// tpcds extension has them, when PIER_TPCDS_DIR names that extension's
// dsdgen directory (its schema/ and queries/). Their text is not ours to
// copy into this repository, and DuckDB's build here has no tpcds
// extension to ask, so CI runs the forms above instead; all 99 passed on
// 2026-12-01 (docs/benchmarks.md says how to run them).
func TestTPCDSAsDuckDBShipsIt(t *testing.T) {
	dir := os.Getenv("PIER_TPCDS_DIR")
	if dir == "" {
		t.Skip("PIER_TPCDS_DIR is not set")
	}
	tables := tpcdsSchemaTables(t, filepath.Join(dir, "schema"))
	queries := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "queries", "*.sql"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		queries[filepath.Base(f)] = strings.TrimSuffix(strings.TrimSpace(string(b)), ";")
	}
	if len(tables) != 24 || len(queries) < 99 {
		t.Fatalf("%d tables and %d queries in %s, want 24 and 99", len(tables), len(queries), dir)
	}
	runAll(t, tpcBox(t, tables), queries)
}

var schemaColumn = regexp.MustCompile(`(\w+)\s+(decimal\(\d+,\d+\)|varchar\(\d+\)|char\(\d+\)|(?:integer|bigint|date|time|varchar|char)\b)`)

// tpcdsSchemaTables turns each "create table" file into twenty rows of
// values of the column types.
func tpcdsSchemaTables(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	tables := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body := string(b)
		body = body[strings.Index(body, "(")+1:]
		var cols []string
		for _, m := range schemaColumn.FindAllStringSubmatch(body, -1) {
			cols = append(cols, valueOf(m[2])+" AS "+m[1])
		}
		tables[strings.TrimSuffix(filepath.Base(f), ".sql")] = "SELECT " + strings.Join(cols, ", ") + " FROM range(20) t(i)"
	}
	return tables
}

func valueOf(typ string) string {
	switch {
	case typ == "integer", typ == "bigint":
		return "i::" + typ
	case strings.HasPrefix(typ, "decimal"):
		return "(i*1.5)::" + typ
	case typ == "date":
		return "DATE '2000-01-01' + i::INTEGER"
	case typ == "time":
		return "TIME '10:00:00'"
	}
	return "('v' || i)::VARCHAR"
}
