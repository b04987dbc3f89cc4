/** Full name of the system as printed on the seed manuals. */
export const SYSTEM_NAME = '山东省行政执法证件管理信息系统'
