# mk/grad.mk - Backprop saliency tests (owner: grad)
