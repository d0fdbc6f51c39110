DROP INDEX threads_city_created;
DROP INDEX threads_board_created;
