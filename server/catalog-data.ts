// The hand-written vocabulary the synthetic catalog is drawn from: category tree, brands, product
// nouns and price ranges. Kept apart from the generator so the words can change without the logic.

export type Shape = 'circle' | 'square' | 'triangle' | 'diamond' | 'hexagon' | 'pill';

export interface SubcategorySpec {
  name: string;
  nouns: string[];
  /** Typical price range in EUR before the brand's tier is applied. */
  price: [number, number];
  shape: Shape;
}

interface BrandSpec {
  name: string;
  /** Price multiplier: budget brands < 1 < premium brands. */
  tier: number;
}

export interface CategorySpec {
  name: string;
  color: string;
  /** Relative appeal: weights how often this category reaches the top of the popularity list. */
  appeal: number;
  brands: BrandSpec[];
  subcategories: SubcategorySpec[];
}

export const CATEGORY_SPECS: CategorySpec[] = [
  {
    name: 'Apparel', color: '#3b6ea8', appeal: 1.2,
    brands: [{ name: 'Northwind', tier: 1.2 }, { name: 'Loomcraft', tier: 0.85 }, { name: 'Urban Thread', tier: 1 }],
    subcategories: [
      { name: 'T-Shirts', nouns: ['Tee', 'Crew Neck Shirt', 'Henley'], price: [14, 39], shape: 'square' },
      { name: 'Jackets', nouns: ['Rain Jacket', 'Puffer Jacket', 'Windbreaker'], price: [59, 229], shape: 'diamond' },
      { name: 'Jeans', nouns: ['Slim Jeans', 'Straight Jeans', 'Chino'], price: [39, 119], shape: 'pill' },
    ],
  },
  {
    name: 'Shoes', color: '#c2553a', appeal: 1.1,
    brands: [{ name: 'Stridewell', tier: 1.15 }, { name: 'Peakstep', tier: 1 }, { name: 'Cobble & Co', tier: 0.85 }],
    subcategories: [
      { name: 'Running Shoes', nouns: ['Running Shoe', 'Trail Runner', 'Racing Flat'], price: [69, 179], shape: 'triangle' },
      { name: 'Sneakers', nouns: ['Sneaker', 'Court Shoe', 'Slip-On'], price: [49, 139], shape: 'pill' },
      { name: 'Boots', nouns: ['Hiking Boot', 'Chelsea Boot', 'Winter Boot'], price: [79, 219], shape: 'hexagon' },
    ],
  },
  {
    name: 'Outdoor', color: '#3f8a4f', appeal: 0.9,
    brands: [{ name: 'Summit Ridge', tier: 1.2 }, { name: 'Alpenglow', tier: 0.9 }],
    subcategories: [
      { name: 'Tents', nouns: ['Dome Tent', 'Tunnel Tent', 'Bivy Shelter'], price: [89, 449], shape: 'triangle' },
      { name: 'Backpacks', nouns: ['Daypack', 'Trekking Pack', 'Hydration Pack'], price: [39, 199], shape: 'square' },
      { name: 'Camping Gear', nouns: ['Sleeping Bag', 'Camp Stove', 'Headlamp'], price: [19, 159], shape: 'circle' },
    ],
  },
  {
    name: 'Electronics', color: '#5b4bb7', appeal: 1.15,
    brands: [{ name: 'Voltline', tier: 0.85 }, { name: 'Auralis', tier: 1.2 }, { name: 'Pixelcore', tier: 1 }],
    subcategories: [
      { name: 'Headphones', nouns: ['Headphones', 'Earbuds', 'Studio Monitor Headset'], price: [29, 299], shape: 'circle' },
      { name: 'Smartwatches', nouns: ['Smartwatch', 'Fitness Band', 'GPS Watch'], price: [49, 399], shape: 'square' },
      { name: 'Speakers', nouns: ['Bluetooth Speaker', 'Soundbar', 'Smart Speaker'], price: [35, 349], shape: 'hexagon' },
    ],
  },
  {
    name: 'Home', color: '#b0862f', appeal: 0.95,
    brands: [{ name: 'Hearthstone', tier: 1.15 }, { name: 'Nordhaven', tier: 0.9 }],
    subcategories: [
      { name: 'Bedding', nouns: ['Duvet Cover', 'Pillow Set', 'Throw Blanket'], price: [25, 149], shape: 'pill' },
      { name: 'Lighting', nouns: ['Table Lamp', 'Floor Lamp', 'Pendant Light'], price: [29, 249], shape: 'circle' },
      { name: 'Decor', nouns: ['Vase', 'Wall Mirror', 'Candle Holder'], price: [15, 129], shape: 'diamond' },
    ],
  },
  {
    name: 'Kitchen', color: '#2a8b8b', appeal: 1,
    brands: [{ name: 'Copperleaf', tier: 1.25 }, { name: 'Brewhouse', tier: 1 }, { name: 'Chefline', tier: 0.85 }],
    subcategories: [
      { name: 'Cookware', nouns: ['Frying Pan', 'Dutch Oven', 'Saucepan'], price: [25, 219], shape: 'circle' },
      { name: 'Knives', nouns: ["Chef's Knife", 'Paring Knife', 'Knife Block'], price: [19, 189], shape: 'triangle' },
      { name: 'Coffee', nouns: ['Pour-Over Set', 'Espresso Maker', 'Coffee Grinder'], price: [24, 329], shape: 'hexagon' },
    ],
  },
  {
    name: 'Beauty', color: '#c04f86', appeal: 1.05,
    brands: [{ name: 'Lumiere', tier: 1.25 }, { name: 'Verdant', tier: 0.9 }, { name: 'Petal & Stone', tier: 1 }],
    subcategories: [
      { name: 'Skincare', nouns: ['Face Serum', 'Day Cream', 'Cleansing Gel'], price: [12, 79], shape: 'pill' },
      { name: 'Fragrance', nouns: ['Eau de Parfum', 'Body Mist', 'Eau de Toilette'], price: [25, 139], shape: 'diamond' },
      { name: 'Haircare', nouns: ['Shampoo', 'Hair Mask', 'Styling Oil'], price: [8, 45], shape: 'circle' },
    ],
  },
  {
    name: 'Toys', color: '#d08a1e', appeal: 0.85,
    brands: [{ name: 'Brickly', tier: 1.1 }, { name: 'Wonderbox', tier: 0.9 }],
    subcategories: [
      { name: 'Building Sets', nouns: ['Building Set', 'Robot Kit', 'Marble Run'], price: [19, 149], shape: 'square' },
      { name: 'Puzzles', nouns: ['Jigsaw Puzzle', 'Puzzle Cube', 'Logic Game'], price: [9, 49], shape: 'hexagon' },
      { name: 'Plush', nouns: ['Plush Bear', 'Plush Fox', 'Cuddle Bunny'], price: [12, 59], shape: 'pill' },
    ],
  },
];

/** Name prefixes; combined with a subcategory noun they give "Trailblazer Running Shoe". */
export const ADJECTIVES = [
  'Trailblazer', 'Aurora', 'Summit', 'Breeze', 'Nimbus', 'Velocity', 'Harbor', 'Meadow',
  'Ember', 'Glacier', 'Coastal', 'Metro', 'Classic', 'Lumen', 'Nova', 'Cedar', 'Horizon', 'Drift',
];

/** Categories shoppers tend to combine; the demo shoppers' second favourite is often the partner. */
export const AFFINITY_PAIRS: [string, string][] = [
  ['Outdoor', 'Shoes'],
  ['Kitchen', 'Home'],
  ['Beauty', 'Apparel'],
  ['Electronics', 'Toys'],
];

/**
 * What goes with what: per subcategory, the subcategories a demo shopper adds after putting one
 * of its items in the cart (the tent buyer's headlamp and boots). Only the shopper generator reads
 * this; the store itself learns complements from the shoppers' baskets (server/complements.ts).
 */
export const COMPLEMENT_SUBCATEGORIES: Record<string, string[]> = {
  'T-Shirts': ['Jeans', 'Sneakers'],
  Jackets: ['Boots', 'Backpacks', 'Jeans'],
  Jeans: ['T-Shirts', 'Sneakers'],
  'Running Shoes': ['Smartwatches', 'T-Shirts', 'Headphones'],
  Sneakers: ['Jeans', 'T-Shirts'],
  Boots: ['Jackets', 'Camping Gear'],
  Tents: ['Camping Gear', 'Backpacks', 'Boots'],
  Backpacks: ['Camping Gear', 'Jackets', 'Smartwatches'],
  'Camping Gear': ['Tents', 'Backpacks', 'Boots'],
  Headphones: ['Smartwatches', 'Speakers'],
  Smartwatches: ['Running Shoes', 'Headphones'],
  Speakers: ['Lighting', 'Headphones'],
  Bedding: ['Lighting', 'Decor'],
  Lighting: ['Decor', 'Speakers'],
  Decor: ['Lighting', 'Bedding'],
  Cookware: ['Knives', 'Coffee'],
  Knives: ['Cookware'],
  Coffee: ['Cookware', 'Decor'],
  Skincare: ['Haircare', 'Fragrance'],
  Fragrance: ['Skincare', 'Jackets'],
  Haircare: ['Skincare'],
  'Building Sets': ['Puzzles', 'Headphones'],
  Puzzles: ['Building Sets', 'Plush'],
  Plush: ['Bedding', 'Puzzles'],
};

export const ITEMS_PER_SUBCATEGORY = 10;
export const FIRST_SKU = 1001;
export const CURRENCY = 'EUR';
