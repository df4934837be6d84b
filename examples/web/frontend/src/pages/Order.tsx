import { useParams } from 'react-router';

export function Order() {
  const { id } = useParams();
  return (
    <main>
      <h1 id="order-title">Order {id}</h1>
    </main>
  );
}
