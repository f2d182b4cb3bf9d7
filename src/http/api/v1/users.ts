// People who sign in to the admin UI, managed by admins: list, invite (create with a first
// password), change role, disable, and reset a password. Any change that lowers access (disable,
// role change, new password) ends the user's sessions at once.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../../auth/roles.js';
import { MIN_PASSWORD_LENGTH, UserExistsError, type Users } from '../../../auth/users.js';
import { conflict, notFound } from '../../errors.js';

const Password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200);
const UserId = z.object({ id: z.uuid() });

const CreateUser = z.object({
  email: z.email().max(254),
  name: z.string().trim().max(100).default(''),
  role: z.enum(ROLES),
  password: Password,
});

const UpdateUser = z
  .object({ role: z.enum(ROLES), name: z.string().trim().max(100), disabled: z.boolean() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'name at least one of role, name, disabled');

export async function userRoutes(app: FastifyInstance, options: { users: Users }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { users } = options;

  api.get('/users', { schema: { tags: ['users'], summary: 'List UI users (never their password hashes)' } }, async () => ({
    users: await users.list(),
  }));

  api.post('/users', { schema: { tags: ['users'], summary: 'Create a UI user', body: CreateUser } }, async (request, reply) => {
    try {
      const created = await users.create(request.body);
      request.log.info({ userId: created.id, role: created.role }, 'user created');
      return reply.code(201).send(created);
    } catch (error) {
      if (error instanceof UserExistsError) throw conflict(error.message);
      throw error;
    }
  });

  api.patch(
    '/users/:id',
    { schema: { tags: ['users'], summary: 'Change a user’s role or name, or disable/enable them', params: UserId, body: UpdateUser } },
    async (request) => {
      const self = request.principal?.kind === 'user' && request.principal.id === request.params.id;
      // An admin who disables or demotes themself can lock everyone out of user management.
      if (self && (request.body.disabled === true || (request.body.role && request.body.role !== 'admin'))) {
        throw conflict('you cannot disable or demote your own account; ask another admin');
      }
      const updated = await users.update(request.params.id, request.body);
      if (!updated) throw notFound('user');
      request.log.info({ userId: updated.id, changes: Object.keys(request.body) }, 'user updated');
      return updated;
    },
  );

  api.post(
    '/users/:id/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Set a new password for a user (ends their sessions)',
        params: UserId,
        body: z.object({ password: Password }),
      },
    },
    async (request, reply) => {
      if (!(await users.setPassword(request.params.id, request.body.password))) throw notFound('user');
      request.log.info({ userId: request.params.id }, 'password reset by an admin');
      return reply.code(204).send();
    },
  );
}
