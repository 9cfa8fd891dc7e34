/** A 2xx status: the request succeeded, whatever its body says. */
export const is2xx = (status: number): boolean => status >= 200 && status < 300;
