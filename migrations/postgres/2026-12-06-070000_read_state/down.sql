DROP TABLE board_reads;
DROP TABLE thread_reads;
