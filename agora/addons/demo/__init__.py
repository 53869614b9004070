"""Demo app of the kernel: contacts, products and sales orders to play with."""
