import { discordEs } from './discord.es.ts';
import { inventoryEs } from './inventory.es.ts';
import { reportsEs } from './reports.es.ts';
import { shopsEs } from './shops.es.ts';

/**
 * Spanish, the default language. Placeholders are `{name}` (`{Name}` capitalises the value); numbers are
 * formatted by the shop's region. A message may be `{ one, other }` (chosen by `count`, or by `by`) or
 * `{ m, f, mp, fp }` (agreeing with a noun's `form`). en.ts must have the same keys and placeholders.
 */
export const es = {
  'role.viewer': 'lector',
  'role.staff': 'personal',
  'role.admin': 'administrador',
  'role.owner': 'dueño',

  'error.unknown_command': 'No conozco el comando {command}.',
  'error.did_you_mean': '¿Quisiste decir {suggestion}?',
  'error.see_help': 'Escribe /ayuda para ver los comandos.',
  'error.not_a_command':
    '¡Hola! Soy bodega, el asistente de tu tienda. Entiendo comandos como /stock o /buscar: escribe /ayuda para ver todos.',
  'error.not_linked':
    'Todavía no conozco esta cuenta. Vincúlala con /inicio <código> (pide un código a quien administra la tienda).',
  'error.forbidden': 'Tu rol no permite usar {command}.',
  'error.rate_limited': {
    by: 'seconds',
    one: 'Vas muy rápido: espera {seconds} segundo y vuelve a intentarlo.',
    other: 'Vas muy rápido: espera {seconds} segundos y vuelve a intentarlo.',
  },
  'error.insufficient_stock': {
    by: 'available',
    one: 'No hay stock suficiente: queda {available} disponible.',
    other: 'No hay stock suficiente: quedan {available} disponibles.',
  },
  'error.upstream_blocked':
    'AliExpress está bloqueando nuestras consultas por ahora. No inventamos resultados: intenta más tarde, o configura la API oficial de AliExpress (ALIEXPRESS_APP_KEY) o un proxy (HTTP_PROXY_URL).',
  'error.upstream_offline':
    'No hay conexión a internet desde este servidor, así que no pude llegar a AliExpress. Revisa la red del servidor y vuelve a intentarlo.',
  'error.upstream_dns':
    'No encontré la dirección de AliExpress (falló la búsqueda de DNS). Revisa ALIEXPRESS_BASE_URL y el DNS del servidor.',
  'error.upstream_timeout':
    'AliExpress tardó demasiado en responder. Suele ser pasajero: vuelve a intentarlo en unos minutos.',
  'error.upstream_proxy':
    'El proxy (HTTP_PROXY_URL) rechazó la conexión o no responde. Revisa su dirección, usuario y contraseña.',
  'error.upstream_unreachable':
    'AliExpress no aceptó la conexión. Vuelve a intentarlo en unos minutos; si sigue, revisa ALIEXPRESS_BASE_URL.',
  'error.upstream_status':
    'AliExpress respondió con un error ({status}). No inventamos resultados: vuelve a intentarlo en unos minutos.',
  'error.upstream_unreadable':
    'AliExpress respondió algo que no sé leer (quizá cambió su página). No inventamos resultados: intenta más tarde o configura la API oficial (ALIEXPRESS_APP_KEY).',
  'error.upstream_refused':
    'La API oficial de AliExpress rechazó la consulta ({detail}). Revisa ALIEXPRESS_APP_KEY y ALIEXPRESS_APP_SECRET.',
  'error.internal': 'Algo salió mal de nuestro lado. Quedó registrado; intenta de nuevo en un momento.',
  'error.usage': 'Uso: {usage}',

  'args.the': { m: 'el {name}', f: 'la {name}', mp: 'los {name}', fp: 'las {name}' },
  'args.missing': { m: 'Falta {arg}.', f: 'Falta {arg}.', mp: 'Faltan {arg}.', fp: 'Faltan {arg}.' },
  'args.not_number': {
    m: '{Arg} debe ser un número (escribiste «{value}»).',
    f: '{Arg} debe ser un número (escribiste «{value}»).',
    mp: '{Arg} deben ser un número (escribiste «{value}»).',
    fp: '{Arg} deben ser un número (escribiste «{value}»).',
  },
  'args.not_integer': {
    m: '{Arg} debe ser un número entero (escribiste «{value}»).',
    f: '{Arg} debe ser un número entero (escribiste «{value}»).',
    mp: '{Arg} deben ser un número entero (escribiste «{value}»).',
    fp: '{Arg} deben ser un número entero (escribiste «{value}»).',
  },
  'args.too_small': {
    m: '{Arg} debe ser al menos {min}.',
    f: '{Arg} debe ser al menos {min}.',
    mp: '{Arg} deben ser al menos {min}.',
    fp: '{Arg} deben ser al menos {min}.',
  },
  'args.too_big': {
    m: '{Arg} debe ser como máximo {max}.',
    f: '{Arg} debe ser como máximo {max}.',
    mp: '{Arg} deben ser como máximo {max}.',
    fp: '{Arg} deben ser como máximo {max}.',
  },
  'args.too_long': {
    m: '{Arg} admite como máximo {max} caracteres.',
    f: '{Arg} admite como máximo {max} caracteres.',
    mp: '{Arg} admiten como máximo {max} caracteres.',
    fp: '{Arg} admiten como máximo {max} caracteres.',
  },
  'args.one_of': {
    m: '{Arg} debe ser {options}.',
    f: '{Arg} debe ser {options}.',
    mp: '{Arg} deben ser {options}.',
    fp: '{Arg} deben ser {options}.',
  },
  'args.invalid': {
    m: '{Arg} no es válido («{value}»).',
    f: '{Arg} no es válida («{value}»).',
    mp: '{Arg} no son válidos («{value}»).',
    fp: '{Arg} no son válidas («{value}»).',
  },
  'args.unknown_key': 'No conozco la opción {key}:.',
  'args.extra': 'Sobra esto: {words}.',
  'args.unknown_subcommand': 'No conozco «{sub}». Escribe una de estas: {options}.',
  'args.missing_subcommand': 'Falta qué hacer. Escribe una de estas: {options}.',
  'args.unclosed_quote': 'Falta cerrar unas comillas.',

  'help.title': 'Comandos que puedes usar',
  'help.footer': 'Escribe /ayuda <comando> para ver cómo se usa.',
  'help.usage': 'Uso',
  'help.options': 'Opciones',
  'help.role': 'Rol mínimo: {role}',
  'help.aliases': 'También: {aliases}',

  'start.need_code':
    'Para vincular esta cuenta escribe /inicio <código>. El código te lo da quien administra la tienda.',
  'start.bad_code': 'Ese código no existe, ya se usó o venció. Pide uno nuevo y escribe /inicio <código>.',
  'start.linked': '¡Hola, {name}! Tu cuenta quedó vinculada con el rol {role}.',
  'start.already_linked': 'Esta cuenta ya está vinculada ({name}, {role}).',
  'invite.created':
    'Código de invitación para {role}: {code}\nSirve una sola vez y vence en 24 h. Se usa así: /inicio {code}',
  'invite.too_high': 'Solo puedes invitar con un rol igual o menor al tuyo ({role}).',
  'invite.not_allowed': 'Solo un administrador o un dueño puede invitar.',
  'users.title': 'Personas',
  'users.col_id': 'nº',
  'users.col_name': 'nombre',
  'users.col_role': 'rol',
  'users.col_accounts': 'cuentas',
  'users.revoked': 'sin acceso',
  'role.changed': '{name} ahora tiene el rol {role}.',
  'role.not_allowed':
    'No puedes cambiar el rol de {name}: solo un dueño cambia a dueños o asigna el rol de dueño, y nadie cambia el suyo.',
  'role.last_owner': 'No puedo quitarle el rol de dueño a {name}: debe quedar al menos un dueño.',
  'revoke.done': '{name} ya no tiene acceso.',
  'revoke.not_allowed':
    'No puedes revocar el acceso de {name}: solo un dueño revoca a otro dueño, y nadie se revoca a sí mismo.',
  'revoke.last_owner': 'No puedo revocar el acceso de {name}: es el último dueño y la tienda se quedaría sin dueño.',
  'user.not_found': 'No encontré a la persona «{user}». Mira los números y nombres con /usuarios.',
  'lang.set': 'Listo, te escribiré en español.',
  'notify.state': 'Este chat recibe avisos de {topics}. Apágalos con /avisos no (o uno solo: /avisos no pedidos).',
  'notify.none': 'Este chat no recibe avisos. Actívalos con /avisos sí (o uno solo: /avisos sí stock).',
  'notify.topic.stock': 'stock bajo',
  'notify.topic.filters': 'filtros guardados',
  'notify.topic.prices': 'precios vigilados',
  'notify.topic.orders': 'pedidos',
  'notify.topic.reports': 'reportes',
  'notify.held': {
    one: '{count} mensaje espera a {who}: WhatsApp solo deja escribir dentro de las 24 horas después de su último mensaje. Se enviará en cuanto esa persona escriba.',
    other:
      '{count} mensajes esperan a {who}: WhatsApp solo deja escribir dentro de las 24 horas después de su último mensaje. Se enviarán en cuanto esa persona escriba.',
  },
  'whatsapp.choose': 'Elige una opción:',
  'whatsapp.answer_number': 'Responde {numbers}.',
  'whatsapp.no_menu': 'No hay un menú al que responder con un número. Escribe ayuda para ver los comandos.',
  'whatsapp.list_button': 'Opciones',
  'whatsapp.text_only': 'Solo entiendo mensajes de texto. Escribe ayuda para ver los comandos.',
  'cli.whatsapp_scan':
    'Escanea este código con WhatsApp en el teléfono de la tienda: Dispositivos vinculados → Vincular un dispositivo.',
  'cli.whatsapp_linked': 'Teléfono vinculado. bodega start usará esta sesión de WhatsApp.',
  'cli.whatsapp_failed': 'No se pudo vincular el teléfono: {reason}',
  'cli.whatsapp_not_web':
    'bodega whatsapp login es para WHATSAPP_MODE=web (la API de WhatsApp Cloud no necesita vincular un teléfono).',
  'cli.whatsapp_no_browser':
    'WhatsApp Web necesita Chromium: instálalo (apt-get install chromium) y pon su ruta en CHROMIUM_PATH.',

  'task.started': 'Trabajando en ello (tarea #{id}). Te aviso aquí cuando termine.',
  'task.progress': 'Tarea #{id}: {progress}',
  'task.failed': 'La tarea #{id} falló: {error}',
  'task.cancelled': 'La tarea #{id} se canceló.',
  'task.status.pending': 'en espera',
  'task.status.running': 'en curso',
  'task.status.success': 'terminada',
  'task.status.failed': 'fallida',
  'task.status.cancelled': 'cancelada',
  'task.kind.search': 'búsqueda',
  'task.kind.filter-run': 'revisión de filtro',
  'task.kind.watch-add': 'vigilancia nueva',
  'task.kind.sync': 'sincronización de tiendas',
  'tasks.title': 'Tareas recientes',
  'tasks.empty': 'No hay tareas recientes.',
  'tasks.col_id': 'tarea',
  'tasks.col_kind': 'tipo',
  'tasks.col_status': 'estado',
  'tasks.col_started': 'inicio',
  'tasks.col_detail': 'detalle',
  'cancel.requested': 'Pedí cancelar la tarea #{id}.',
  'cancel.done': 'Tarea #{id} cancelada.',
  'cancel.finished': 'La tarea #{id} ya terminó ({status}).',
  'cancel.not_found': 'No encontré la tarea #{id}. Mira las tuyas con /tareas.',

  'reply.table_attached': {
    by: 'rows',
    one: 'La tabla tiene {rows} fila; va adjunta como {file}.',
    other: 'La tabla tiene {rows} filas; va adjunta como {file}.',
  },
  'paging.prev': '◀ Anterior',
  'paging.next': 'Siguiente ▶',
  'paging.first': '« Primera página',
  'paging.last': 'Última página ({pages}) »',
  'paging.page': 'página {page}',
  'paging.past_end': {
    one: 'Solo hay {count} página; te muestro esa.',
    other: 'Solo hay {count} páginas; te muestro la última.',
  },
  'search.header': {
    one: 'Resultados para «{words}» · página {page} de {pages} ({count} producto)',
    other: 'Resultados para «{words}» · página {page} de {pages} ({count} productos)',
  },
  'search.none':
    'No encontré productos para «{words}» con esos filtros. Prueba con menos filtros o con otras palabras.',
  'search.not_found': 'No encontré la búsqueda #{id}. Vuelve a buscar con /buscar <palabras>.',
  'search.min_over_max':
    'El mínimo ({min}) es mayor que el máximo ({max}). Escribe min: menor que max:, p. ej. min:100 max:500.',
  'search.other_currency': 'Los precios llegaron en {other}, no en {shop} (la moneda de la tienda).',
  'search.other_currency_bounds':
    'Los precios llegaron en {other}; tus filtros están en {shop}, así que no pude comparar esos productos con min: ni max:. Quítalos para verlos en {other}, o configura la API oficial de AliExpress (ALIEXPRESS_APP_KEY), que da los precios en {shop}.',
  'search.sold': { one: '{count} vendido', other: '{count} vendidos' },
  'search.before': 'antes {price}',
  'search.open': 'Ver en AliExpress',
  'search.ship_days': { one: 'entrega en {count} día', other: 'entrega en {count} días' },
  'search.ship_unknown':
    'AliExpress no dice los días de entrega de algunos de estos productos: {key}:{count} solo se aplicó donde los dice.',
  'search.progress': {
    one: 'leí {done} de {count} página de resultados',
    other: 'leí {done} de {count} páginas de resultados',
  },
  'filter.added':
    'Filtro «{name}» guardado. Revisaré cada hora y avisaré aquí de productos nuevos (como máximo {count} al día).',
  'filter.exists': 'Ya hay un filtro llamado «{name}» en este chat. Elige otro nombre o míralo con /filtro ver {name}.',
  'filter.not_found': 'No hay un filtro llamado «{name}» en este chat. Mira los que hay con /filtro lista.',
  'filter.removed': 'Filtro «{name}» borrado.',
  'filter.none':
    'Este chat no tiene filtros guardados. Crea uno con /filtro agregar <nombre> <palabras> [max:<precio>].',
  'filter.list_title': 'Filtros de este chat',
  'filter.col_name': 'nombre',
  'filter.col_search': 'búsqueda',
  'filter.col_last': 'última revisión',
  'filter.never': 'nunca',
  'filter.new': { one: 'Filtro «{name}»: {count} producto nuevo', other: 'Filtro «{name}»: {count} productos nuevos' },
  'filter.ran': {
    one: 'Filtro «{name}» revisado: avisé de {count} producto nuevo.',
    other: 'Filtro «{name}» revisado: avisé de {count} productos nuevos.',
  },
  'filter.held_back': { one: '{count} más espera al límite diario.', other: '{count} más esperan al límite diario.' },
  'watch.added': 'Vigilancia #{id}: «{title}», ahora a {price}.',
  'watch.alerts_on': 'Avisaré aquí de: {terms}.',
  'watch.term_below': 'precio bajo {price}',
  'watch.term_change': 'cambios del {percent} % o más',
  'watch.term_unavailable': 'si deja de estar disponible',
  'watch.exists': 'Este chat ya vigila «{title}». Mira /vigilar lista.',
  'watch.not_found': 'No hay una vigilancia #{id} en este chat. Mira /vigilar lista.',
  'watch.gone': 'AliExpress no tiene el producto {id} (o ya no lo vende). No agregué nada.',
  'watch.bad_product':
    'Eso no es un producto de AliExpress: pega el enlace (…aliexpress.com/item/1005….html) o su número.',
  'watch.currency':
    'El precio llegó en {currency}, no en {shop} (la moneda de la tienda), así que no agregué nada. Configura la API oficial de AliExpress (ALIEXPRESS_APP_KEY) para recibir precios en {shop}.',
  'watch.removed': 'Vigilancia #{id} quitada.',
  'watch.none':
    'Este chat no vigila productos. Agrega uno con /vigilar agregar <enlace> [bajo:<precio>] [cambio:<porcentaje>].',
  'watch.list_title': 'Productos vigilados',
  'watch.col_id': 'nº',
  'watch.col_product': 'producto',
  'watch.col_price': 'precio',
  'watch.col_alerts': 'avisos',
  'watch.col_checked': 'última revisión',
  'watch.check_failed': 'falló la última revisión',
  'watch.unavailable_short': 'no disponible',
  'watch.alert_title': 'Vigilancia #{id}: {title}',
  'watch.alert_below': '⬇️ Bajó a {price}, por debajo de tu objetivo de {target}.',
  'watch.alert_change': '📈 El precio cambió de {from} a {to} ({percent} %).',
  'watch.alert_unavailable': '🚫 Ya no está disponible (dos revisiones seguidas).',
  'watch.alert_back': '✅ Vuelve a estar disponible, a {price}.',
  'reply.continued': '(continúa)',

  'cli.apikey_usage':
    'Uso: bodega apikey create <nombre> | bodega apikey list | bodega apikey revoke <nombre o número>',
  'cli.apikey_store': 'Guarda esta clave ahora: no se vuelve a mostrar. Envíala como "Authorization: Bearer <clave>".',
  'cli.apikey_none': 'No hay claves. Crea una con: bodega apikey create <nombre>',
  'console.greeting':
    'Hola. Estás en la tienda como dueño. Escribe /ayuda para ver lo que puedes hacer, o /salir para terminar.',
  'cli.owner_code':
    'Aún no hay dueño vinculado. En Telegram, Discord o WhatsApp envía:  /inicio {code}\n(No owner is linked yet. From Telegram, Discord or WhatsApp send:  /start {code})',
  'cli.owner_code_changed': 'El código de dueño anterior ya no sirve; usa este.',
  'cli.owner_code_no_platform':
    'Aún no hay dueño vinculado, y no hay ninguna plataforma de chat configurada. Configura TELEGRAM_BOT_TOKEN, DISCORD_TOKEN o WHATSAPP_MODE y reinicia: entonces verás el código para vincularte. Mientras tanto, `bodega chat` te atiende como dueño.',

  'settings.title': 'Ajustes de la tienda',
  'settings.currency': 'Moneda',
  'settings.zone': 'Zona horaria',
  'settings.language': 'Idioma',
  'settings.region': 'Región',
  'settings.now': 'ahora son las {time}',
  'settings.example': 'números así: {number}',
  'settings.language.es': 'español',
  'settings.language.en': 'inglés',
  'settings.how':
    'Cambia uno con /ajustes moneda MXN, /ajustes zona America/Mexico_City, /ajustes idioma es o /ajustes region MX.',
  'settings.changed': 'Ajuste guardado; todos los procesos de la tienda lo usan desde ahora.',
  'settings.bad_currency': '«{value}» no es una moneda ISO 4217. Escribe un código de tres letras como MXN, USD o EUR.',
  'settings.bad_zone':
    '«{value}» no es una zona horaria. Escribe una zona IANA como America/Mexico_City o Europe/Madrid.',
  'settings.bad_language': '«{value}» no es un idioma que hable. Escribe es o en.',
  'settings.bad_region': '«{value}» no es un país ISO 3166. Escribe dos letras como MX, ES, CL o US.',

  'cli.usage': 'Uso: bodega <comando>',
  'cli.unknown_verb': 'No conozco el comando «{verb}».',
  'cli.verb.start': 'HTTP, tareas programadas y cada bot configurado; Postgres integrado si no hay DATABASE_URL',
  'cli.verb.migrate': 'aplica las migraciones pendientes de la base de datos',
  'cli.verb.chat': 'los comandos del chat en esta terminal, como dueño',
  'cli.verb.run': 'ejecuta una línea de comando, p. ej. bodega run "/stock"; sale con 1 si falla',
  'cli.verb.job': 'job list | job run <nombre>: tareas programadas y sus últimas ejecuciones',
  'cli.verb.apikey': 'apikey create <nombre>: una clave para la API de la tienda, mostrada una vez',
  'cli.verb.stock': 'stock verify: compara los niveles con el historial y las reservas',
  'cli.verb.whatsapp': 'whatsapp login: vincula el teléfono de la tienda (WHATSAPP_MODE=web) con un código QR',
  'cli.verb.backup':
    'backup [ruta]: copia comprimida de todas las tablas en la ruta, el bucket (S3_*) o $DATA_DIR/backups',
  'cli.verb.restore': 'restore <archivo | s3://bucket/backups/nombre>: carga una copia en una base de datos vacía',
  'cli.config_invalid': 'La configuración no es válida:',
  'cli.config_see': 'Mira .env.example: tiene cada variable y su formato.',
  'cli.migrated': 'La base de datos está al día.',
  'cli.run_usage': 'Uso: bodega run "<línea de comando>"   p. ej. bodega run "/ayuda"',
  'cli.job_usage': 'Uso: bodega job list | bodega job run <nombre>',
  'cli.job_unknown': 'No conozco la tarea programada {name}. Las que hay: {names}.',
  'cli.job_ran': '{name}: {status}',
  'cli.job_line': '{name} {schedule} próxima: {next} · última: {last}',
  'cli.job_last': '{status} el {at}',
  'cli.job_never': 'nunca',
  'cli.job_status.running': 'en curso',
  'cli.job_status.success': 'completada',
  'cli.job_status.failed': 'falló',
  'cli.job_status.skipped': 'omitida',
  'cli.stock_usage': 'Uso: bodega stock verify',
  'cli.stock_problem':
    '{sku}: niveles total={total} reservado={reserved} vendido={sold}; historial total={ledgerTotal} reservado={ledgerReserved} vendido={ledgerSold}; reservas pendientes={pending}',

  ...inventoryEs,
  ...discordEs,
  ...shopsEs,
  ...reportsEs,
} as const;
