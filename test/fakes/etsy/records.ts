// The records Etsy answers with, field for field as its spec lists them (Shop, ShopListing), filled with the
// values a small handmade shop has. catalogue.ts keeps them up to date as the shop changes.
type Json = Record<string, any>;

export interface ListingFields {
  listingId: number;
  userId: number;
  shopId: number;
  title: string;
  createdAt: number;
  currency: string;
  readinessStateId: number;
  favorers: number;
}

/** A ShopListing; quantity, price and has_variations are set from the inventory afterwards. */
export function listingRecord(fields: ListingFields): Json {
  const { listingId, title, createdAt } = fields;
  return {
    listing_id: listingId,
    user_id: fields.userId,
    shop_id: fields.shopId,
    title,
    description: `${title}, handmade to order in our studio.`,
    state: 'active',
    creation_timestamp: createdAt,
    created_timestamp: createdAt,
    ending_timestamp: createdAt + 120 * 24 * 3600,
    original_creation_timestamp: createdAt,
    last_modified_timestamp: createdAt,
    updated_timestamp: createdAt,
    state_timestamp: createdAt,
    quantity: 0,
    shop_section_id: null,
    featured_rank: -1,
    url: `https://www.etsy.com/listing/${listingId}/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    num_favorers: fields.favorers,
    non_taxable: false,
    is_taxable: true,
    is_customizable: false,
    is_personalizable: false,
    personalization_is_required: false,
    personalization_char_count_max: null,
    personalization_instructions: null,
    listing_type: 'physical',
    tags: ['handmade', 'gift'],
    materials: ['clay'],
    shipping_profile_id: 208_189_665_822,
    return_policy_id: 1_234_567_890,
    processing_min: 2,
    processing_max: 3,
    who_made: 'i_did',
    when_made: 'made_to_order',
    is_supply: false,
    item_weight: 0.35,
    item_weight_unit: 'kg',
    item_length: 20,
    item_width: 15,
    item_height: 10,
    item_dimensions_unit: 'cm',
    is_private: false,
    style: [],
    file_data: '',
    has_variations: false,
    should_auto_renew: true,
    language: 'en-US',
    price: { amount: 0, divisor: 100, currency_code: fields.currency },
    taxonomy_id: 1633,
    readiness_state_id: fields.readinessStateId,
    suggested_title: null,
  };
}

export interface ShopFields {
  shopId: number;
  ownerUserId: number;
  shopName: string;
  currency: string;
}

/** A Shop as getShop answers it. */
export function shopRecord(fields: ShopFields, at: number): Json {
  const { shopId, ownerUserId, shopName, currency } = fields;
  return {
    shop_id: shopId,
    user_id: ownerUserId,
    shop_name: shopName,
    create_date: at - 400 * 24 * 3600,
    created_timestamp: at - 400 * 24 * 3600,
    title: 'Handmade things for the home',
    announcement: null,
    currency_code: currency,
    is_vacation: false,
    vacation_message: null,
    sale_message: null,
    digital_sale_message: null,
    update_date: at,
    updated_timestamp: at,
    listing_active_count: 0,
    digital_listing_count: 0,
    login_name: shopName.toLowerCase(),
    accepts_custom_requests: false,
    policy_welcome: null,
    policy_payment: null,
    policy_shipping: null,
    policy_refunds: null,
    policy_additional: null,
    policy_seller_info: null,
    policy_update_date: at - 300 * 24 * 3600,
    policy_has_private_receipt_info: false,
    has_unstructured_policies: false,
    policy_privacy: null,
    vacation_autoreply: null,
    url: `https://www.etsy.com/shop/${shopName}`,
    image_url_760x100: null,
    num_favorers: 12,
    languages: ['en-US'],
    icon_url_fullxfull: null,
    is_using_structured_policies: true,
    has_onboarded_structured_policies: true,
    include_dispute_form_link: false,
    is_direct_checkout_onboarded: true,
    is_etsy_payments_onboarded: true,
    is_calculated_eligible: true,
    is_opted_in_to_buyer_promise: false,
    is_shop_us_based: false,
    transaction_sold_count: 0,
    shipping_from_country_iso: 'ES',
    shop_location_country_iso: 'ES',
    review_count: null,
    review_average: null,
  };
}
