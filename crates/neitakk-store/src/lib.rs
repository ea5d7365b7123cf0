//! neitakk-store
