// GA4 ecommerce item objects, shaped the way a store's tag setup pushes them to the dataLayer.
import type { CatalogItem } from '../catalog';

export interface Ga4PushItem extends Pick<CatalogItem, 'item_id' | 'item_name' | 'item_brand' | 'item_category' | 'item_category2' | 'price'> {
  quantity: number;
  index?: number;
  item_list_id?: string;
  item_list_name?: string;
}

export interface ItemList {
  item_list_id: string;
  item_list_name: string;
}

export function ga4Item(item: CatalogItem, extra: Partial<Ga4PushItem> = {}): Ga4PushItem {
  return {
    item_id: item.item_id,
    item_name: item.item_name,
    item_brand: item.item_brand,
    item_category: item.item_category,
    item_category2: item.item_category2,
    price: item.price,
    quantity: 1,
    ...extra,
  };
}

/** Items of a product list, with their position (GA4 `index`, from 0) and the list they sit in. */
export function ga4ListItems(items: CatalogItem[], list: ItemList): Ga4PushItem[] {
  return items.map((item, index) => ga4Item(item, { index, ...list }));
}
