/**
 * Float math that reproduces the C library bit for bit, so Hotpath's transformed outputs equal XGBoost's.
 * Stateless, thread-safe and allocation-free.
 */
package dev.hotpath.scoring.math;
