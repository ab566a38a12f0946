export interface Point {
  t: number;
  v: number;
}

/** A small line chart on a canvas: enough for a live sensor trace and a forecast point series. */
export class LineChart {
  readonly canvas: HTMLCanvasElement;
  private points: Point[] = [];

  constructor(
    width = 220,
    height = 70,
    private readonly maxPoints = 120,
    private readonly color = '#1f5f99',
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    this.canvas.className = 'chart';
  }

  get length(): number {
    return this.points.length;
  }

  set(points: Point[]): void {
    this.points = points.slice(-this.maxPoints);
    this.draw();
  }

  push(point: Point): void {
    this.points.push(point);
    if (this.points.length > this.maxPoints) this.points.shift();
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#f7f9fb';
    ctx.fillRect(0, 0, width, height);
    const pts = this.points.filter((p) => Number.isFinite(p.v));
    if (pts.length === 0) return;
    const t0 = Math.min(...pts.map((p) => p.t));
    const t1 = Math.max(...pts.map((p) => p.t));
    const v0 = Math.min(...pts.map((p) => p.v));
    const v1 = Math.max(...pts.map((p) => p.v));
    const x = (t: number) => (t1 === t0 ? width / 2 : 4 + ((t - t0) / (t1 - t0)) * (width - 8));
    const y = (v: number) => (v1 === v0 ? height / 2 : height - 12 - ((v - v0) / (v1 - v0)) * (height - 20));
    ctx.strokeStyle = this.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.t), y(p.v)) : ctx.lineTo(x(p.t), y(p.v))));
    ctx.stroke();
    ctx.fillStyle = this.color;
    for (const p of pts) ctx.fillRect(x(p.t) - 1.5, y(p.v) - 1.5, 3, 3);
    ctx.fillStyle = '#6b7a86';
    ctx.font = '10px sans-serif';
    ctx.fillText(`${v0.toFixed(2)} – ${v1.toFixed(2)}`, 4, height - 2);
  }
}
