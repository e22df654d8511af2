import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionCarrier } from '../auth/session-carrier';

/** Browser mode keeps the session token in an HttpOnly, SameSite=Strict cookie the page's scripts cannot read. */
export function cookieSessionCarrier(req: FastifyRequest, reply: FastifyReply, cookieName: string): SessionCarrier {
  return {
    read: () => req.cookies[cookieName],
    store: (token, { remember, expiresAt }) => {
      reply.setCookie(cookieName, token, { httpOnly: true, sameSite: 'strict', path: '/', expires: remember ? expiresAt : undefined });
    },
    clear: () => {
      reply.clearCookie(cookieName, { path: '/' });
    },
  };
}
