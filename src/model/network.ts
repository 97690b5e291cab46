// The network: a small causal self-attention encoder over the shopper's recent events (SASRec,
// Kang & McAuley 2018), whose item representation is built from hashed id, category and brand
// features so unseen items still score. Input and output share that representation.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import type { SequenceBatch } from './batch';
import type { ItemCodes } from './features';
import { embed } from './embed';
import { matMul, matMulBT } from './matmul';
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

/** Sum of the rows of `table` named by each row of the int matrix `rows` [n, k] -> [n, d]. */
function sumRows(table: tf.Tensor2D, rows: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = rows.shape;
  const looked = embed(table, tf.reshape(rows, [-1]) as tf.Tensor1D);
  if (k === 1) return looked;
  return tf.sum(tf.reshape(looked, [n, k, -1]), 1);
}

/** The shared item representation [n, d]. */
export function itemVectors(w: Weights, items: ItemTensors): tf.Tensor2D {
  const id = sumRows(w.item as tf.Tensor2D, items.ids);
  const cat = sumRows(w.category as tf.Tensor2D, items.cats);
  const brand = embed(w.brand as tf.Tensor2D, items.brands);
  return tf.addN([id, cat, brand]);
}

/** Per-item popularity prior [n]. */
export function itemBias(w: Weights, items: ItemTensors): tf.Tensor1D {
  return tf.reshape(sumRows(w.item_bias as tf.Tensor2D, items.ids), [-1]);
}

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-6))), gain), bias);
}

function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const out = matMul(tf.reshape(x, [-1, shape[shape.length - 1]]), w);
  const y = tf.reshape(b ? tf.add(out, b) : out, [...shape.slice(0, -1), w.shape[1] as number]);
  return y;
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

function attention(x: tf.Tensor, w: Weights, p: string, cfg: ModelConfig, mask: tf.Tensor4D, drop: Drop): tf.Tensor {
  const [B, T, d] = x.shape;
  const q = splitHeads(dense(x, w[`${p}/wq`]), cfg.heads);
  const k = splitHeads(dense(x, w[`${p}/wk`]), cfg.heads);
  const v = splitHeads(dense(x, w[`${p}/wv`]), cfg.heads);
  const logits = tf.add(tf.mul(matMulBT(q, k), 1 / Math.sqrt(d! / cfg.heads)), mask);
  const mixed = matMul(drop(tf.softmax(logits)), v);
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [B, T, d!]);
  return dense(merged, w[`${p}/wo`]);
}

function block(x: tf.Tensor, w: Weights, p: string, cfg: ModelConfig, mask: tf.Tensor4D, drop: Drop): tf.Tensor {
  const a = attention(layerNorm(x, w[`${p}/ln1_g`], w[`${p}/ln1_b`]), w, p, cfg, mask, drop);
  const h = tf.add(x, drop(a));
  const y = layerNorm(h, w[`${p}/ln2_g`], w[`${p}/ln2_b`]);
  const f = dense(tf.relu(dense(y, w[`${p}/ffn1`], w[`${p}/ffn1_b`])), w[`${p}/ffn2`], w[`${p}/ffn2_b`]);
  return tf.add(h, drop(f));
}

/** The shopper's state after each slot [batch, length, d]. `dropout` > 0 only while training. */
export function encode(w: Weights, cfg: ModelConfig, b: BatchTensors, dropout: Dropout = 0): tf.Tensor3D {
  const drop = dropper(dropout);
  const events = tf.addN([
    itemVectors(w, b.items),
    embed(w.event_type as tf.Tensor2D, b.types),
    embed(w.position as tf.Tensor2D, b.positions),
  ]);
  let x: tf.Tensor = drop(tf.reshape(events, [b.batch, b.length, cfg.dim]));
  const mask = attentionMask(b.mask);
  for (let i = 0; i < cfg.blocks; i++) x = block(x, w, `block${i}`, cfg, mask, drop);
  return layerNorm(x, w.final_ln_g, w.final_ln_b) as tf.Tensor3D;
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
