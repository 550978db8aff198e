// Vite imports a stylesheet for its side effect: it lands in the built CSS file.
declare module '*.css';
