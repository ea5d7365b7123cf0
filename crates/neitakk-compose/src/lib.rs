//! neitakk-compose
