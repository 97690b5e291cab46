// The network: a small causal self-attention encoder over the shopper's recent events (SASRec,
// Kang & McAuley 2018), whose item representation is built from hashed id, category and brand
// features so unseen items still score. Input and output share that representation.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './plain/config';
import type { SequenceBatch } from './plain/batch';
import type { ItemCodes } from './plain/features';
import { matMul, matMulBT } from './kernels/matmul';
import { reader, type Probes, type Reader } from './kernels/client-axis';
import type { Weights } from './weights';

/** Item codes as tensors: ids [n, itemHashes], cats [n, categoryLevels], brands [n]. */
export interface ItemTensors {
  ids: tf.Tensor2D;
  cats: tf.Tensor2D;
  brands: tf.Tensor1D;
}

export interface BatchTensors {
  batch: number;
  length: number;
  items: ItemTensors;
  types: tf.Tensor1D;
  positions: tf.Tensor1D;
  /** [batch, length], 1 for real events. */
  mask: tf.Tensor2D;
}

export function itemTensors(codes: ItemCodes, cfg: ModelConfig): ItemTensors {
  return {
    ids: tf.tensor2d(codes.ids, [codes.count, cfg.itemHashes], 'int32'),
    cats: tf.tensor2d(codes.cats, [codes.count, cfg.categoryLevels], 'int32'),
    brands: tf.tensor1d(codes.brands, 'int32'),
  };
}

export function batchTensors(b: SequenceBatch, cfg: ModelConfig): BatchTensors {
  const n = b.batch * b.length;
  return {
    batch: b.batch,
    length: b.length,
    items: itemTensors({ count: n, ids: b.ids, cats: b.cats, brands: b.brands }, cfg),
    types: tf.tensor1d(b.types, 'int32'),
    positions: tf.tensor1d(b.positions, 'int32'),
    mask: tf.tensor2d(b.mask, [b.batch, b.length]),
  };
}

/** Sum of the rows of table `name` named by each row of the int matrix `rows` [n, k] -> [n, d]. */
function sumRows(r: Reader, name: string, rows: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = rows.shape;
  const looked = r.rows(name, tf.reshape(rows, [-1]) as tf.Tensor1D);
  if (k === 1) return looked;
  return tf.sum(tf.reshape(looked, [n, k, -1]), 1);
}

/** The shared item representation [n, d]. With probes (kernels/client-axis.ts), the items are the
 *  clients' in equal consecutive shares. */
export function itemVectors(w: Weights, items: ItemTensors, probes?: Probes): tf.Tensor2D {
  const r = reader(w, probes);
  return tf.addN([sumRows(r, 'item', items.ids), sumRows(r, 'category', items.cats), r.rows('brand', items.brands)]);
}

/** Per-item popularity prior [n]. */
export function itemBias(w: Weights, items: ItemTensors, probes?: Probes): tf.Tensor1D {
  return tf.reshape(sumRows(reader(w, probes), 'item_bias', items.ids), [-1]);
}

function layerNorm(x: tf.Tensor, r: Reader, gain: string, bias: string): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-6))), r.vector(gain)), r.vector(bias));
}

function dense(x: tf.Tensor, r: Reader, weight: string, bias?: string): tf.Tensor {
  const y = r.matMul(x, weight);
  return bias ? tf.add(y, r.vector(bias)) : y;
}

/** Dropout while training: a rate, and optionally a seed that makes the masks reproducible. */
export type Dropout = number | { rate: number; seed: number };

type Drop = (x: tf.Tensor) => tf.Tensor;

/** One forward pass's dropout. Seeded, its k-th mask comes from seed + k: reruns draw the same
 *  masks, and the layers of a pass do not share one. */
function dropper(d: Dropout): Drop {
  const { rate, seed } = typeof d === 'number' ? { rate: d, seed: undefined } : d;
  let k = 0;
  return (x) => (rate > 0 ? tf.dropout(x, rate, undefined, seed === undefined ? undefined : seed + k++) : x);
}

/** Additive attention mask [batch, 1, T, T]: a slot sees itself and older real events only. */
function attentionMask(mask: tf.Tensor2D): tf.Tensor4D {
  const T = mask.shape[1];
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const keys = tf.reshape(mask, [-1, 1, 1, T]);
  return tf.mul(tf.sub(1, tf.mul(causal, keys)), -1e9) as tf.Tensor4D;
}

function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [B, T, d] = x.shape;
  return tf.transpose(tf.reshape(x, [B, T, heads, d! / heads]), [0, 2, 1, 3]);
}

function attention(x: tf.Tensor, r: Reader, p: string, cfg: ModelConfig, mask: tf.Tensor4D, drop: Drop): tf.Tensor {
  const [B, T, d] = x.shape;
  const q = splitHeads(dense(x, r, `${p}/wq`), cfg.heads);
  const k = splitHeads(dense(x, r, `${p}/wk`), cfg.heads);
  const v = splitHeads(dense(x, r, `${p}/wv`), cfg.heads);
  const logits = tf.add(tf.mul(matMulBT(q, k), 1 / Math.sqrt(d! / cfg.heads)), mask);
  const mixed = matMul(drop(tf.softmax(logits)), v);
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [B, T, d!]);
  return dense(merged, r, `${p}/wo`);
}

function block(x: tf.Tensor, r: Reader, p: string, cfg: ModelConfig, mask: tf.Tensor4D, drop: Drop): tf.Tensor {
  const a = attention(layerNorm(x, r, `${p}/ln1_g`, `${p}/ln1_b`), r, p, cfg, mask, drop);
  const h = tf.add(x, drop(a));
  const y = layerNorm(h, r, `${p}/ln2_g`, `${p}/ln2_b`);
  const f = dense(tf.relu(dense(y, r, `${p}/ffn1`, `${p}/ffn1_b`)), r, `${p}/ffn2`, `${p}/ffn2_b`);
  return tf.add(h, drop(f));
}

/** The shopper's state after each slot [batch, length, d]. `dropout` > 0 only while training.
 *  With probes (kernels/client-axis.ts), each sequence is a client's. */
export function encode(w: Weights, cfg: ModelConfig, b: BatchTensors, dropout: Dropout = 0, probes?: Probes): tf.Tensor3D {
  const drop = dropper(dropout);
  const r = reader(w, probes);
  const events = tf.addN([itemVectors(w, b.items, probes), r.rows('event_type', b.types), r.rows('position', b.positions)]);
  let x: tf.Tensor = drop(tf.reshape(events, [b.batch, b.length, cfg.dim]));
  const mask = attentionMask(b.mask);
  for (let i = 0; i < cfg.blocks; i++) x = block(x, r, `block${i}`, cfg, mask, drop);
  return layerNorm(x, r, 'final_ln_g', 'final_ln_b') as tf.Tensor3D;
}

/** The state after the newest event of each sequence [batch, d] (sequences are right-aligned). */
export function userState(w: Weights, cfg: ModelConfig, b: BatchTensors, personal?: tf.Tensor2D): tf.Tensor2D {
  const states = encode(w, cfg, b);
  const last = tf.reshape(tf.slice(states, [0, b.length - 1, 0], [b.batch, 1, cfg.dim]), [b.batch, cfg.dim]);
  return (personal ? tf.add(last, personal) : last) as tf.Tensor2D;
}

/** Scores [users, items]: affinity of each user state with each item, plus the item's prior. */
export function scoreItems(users: tf.Tensor2D, vectors: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(matMulBT(users, vectors), bias);
}
