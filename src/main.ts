import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount the playground in.');

// mount in a task of its own: compiling this bundle and building the page are then two shorter tasks
// rather than one long one that keeps the page from answering input
await new Promise((resolve) => setTimeout(resolve, 0));

export default mount(App, { target });
