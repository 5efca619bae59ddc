import { mount } from 'svelte';
import LiveDashboard from './LiveDashboard.svelte';

mount(LiveDashboard, { target: document.getElementById('app')!, props: { periodMs: 4, window: 1000 } });
