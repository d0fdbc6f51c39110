DROP TABLE message_allowance;
DROP TABLE message_reports;
DROP TABLE message_preferences;
DROP TABLE user_blocks;
DROP TABLE private_messages;
DROP TABLE conversation_members;
DROP TABLE conversations;
