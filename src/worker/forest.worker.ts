/**
 * Worker entry: exposes the API object synchronously (a message sent before this runs would be lost),
 * with the kernel's URL as Vite emits it.
 */
import * as Comlink from 'comlink';
import kernelUrl from '../../build/rcf.wasm?url';
import { createForestApi } from './forest-api';

Comlink.expose(createForestApi(new URL(kernelUrl, self.location.href)));
