/** Spanish texts of the shops area; spread into es.ts. Keys start with 'shops.'. */
export const shopsEs = {
  'shops.etsyFailed': 'Etsy no respondió bien ({status}). Prueba de nuevo en unos minutos.',
  'shops.etsyUnreachable': 'No pude conectar con Etsy. Revisa la conexión e inténtalo de nuevo.',
  'shops.etsyDailyBudget':
    'Sincronización detenida: quedan {remaining} llamadas de hoy a Etsy y se guardan para lo urgente. Seguirá cuando Etsy renueve el cupo.',
  'shops.etsyUnauthorized': 'Etsy no aceptó la conexión de la tienda. Vuelve a conectarla con /conectar etsy.',
} as const;
