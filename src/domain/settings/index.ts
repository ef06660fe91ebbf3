export {
  createSettings,
  isRegionCode,
  type SettingName,
  type Settings,
  type ShopSettings,
  seedSettings,
} from './settings.ts';
