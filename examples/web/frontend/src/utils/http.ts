// The two ways the app calls APIs: fetch and XMLHttpRequest.
export interface Item { id: number; name: string; price: number }

export async function fetchItems(base = ''): Promise<Item[]> {
  const res = await fetch(`${base}/api/items`);
  if (!res.ok) throw new Error(`GET ${base}/api/items: ${res.status}`);
  return (await res.json()).items;
}

export function xhrItems(base = ''): Promise<Item[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', `${base}/api/items`);
    xhr.responseType = 'json';
    xhr.onload = () => (xhr.status === 200 ? resolve(xhr.response.items) : reject(new Error(`XHR ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('XHR network error'));
    xhr.send();
  });
}
