import { Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down: `/readyz` then answers 503 so a load balancer stops
 * sending traffic, and new requests on kept-alive connections get a 503 asking to retry elsewhere.
 */
@Injectable()
export class DrainState {
  private isDraining = false;

  get draining(): boolean {
    return this.isDraining;
  }

  startDraining(): void {
    this.isDraining = true;
  }
}
