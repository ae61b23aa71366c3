/** One GPS reading with its accuracy, when the person allows it (LGPD: location only on their request). */
export interface GpsPoint {
  lat: number;
  lng: number;
  accuracy: number;
}

export function readGpsPoint(timeoutMs = 20_000): Promise<GpsPoint> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('Este aparelho não informa a localização. Escolha o distrito e o povoado na lista.'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({
        lat: Math.round(position.coords.latitude * 1e6) / 1e6,
        lng: Math.round(position.coords.longitude * 1e6) / 1e6,
        accuracy: Math.round(position.coords.accuracy),
      }),
      (error) => reject(new Error(error.code === error.PERMISSION_DENIED
        ? 'Você não permitiu usar a localização. Escolha o distrito e o povoado na lista.'
        : 'Não foi possível achar sua localização agora. Escolha o distrito e o povoado na lista, ou tente de novo ao ar livre.')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

export function accuracyWords(meters: number): string {
  return meters <= 20 ? `precisão boa (cerca de ${meters} m)` : `precisão de cerca de ${meters} m`;
}
